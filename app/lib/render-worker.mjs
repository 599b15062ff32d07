// A worker thread of the render pool (app/services/render-pool.server.ts): loads the renderers from their
// TypeScript sources through tsx, as `npm run worker` does, and renders one task per call.
import { tsImport } from "tsx/esm/api";

const { runRenderTask } = await tsImport("./render-task.server.ts", import.meta.url);

export default async function render(task) {
  return runRenderTask(task);
}
