import { json, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "Minimal Remix" }];

/** PERF-LIMITS 4c: a loader returning json() and a small server-rendered page, no database. */
export async function loader() {
  return json({
    title: "16th NEAR General Assembly",
    rows: Array.from({ length: 46 }, (_, i) => ({ id: i, name: `Delegate ${i}`, region: `Region ${i % 7}`, note: "Arrives on 15 June, leaves on 18 June" })),
  });
}

export default function Index() {
  const data = useLoaderData<typeof loader>();
  return (
    <main>
      <h1>{data.title}</h1>
      <table>
        <tbody>
          {data.rows.map((row) => (
            <tr key={row.id}>
              <td>{row.name}</td>
              <td>{row.region}</td>
              <td>{row.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
