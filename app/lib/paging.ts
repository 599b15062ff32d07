import * as z from "zod";

const PageParam = z.coerce.number().int().min(1).max(1_000_000).catch(1);

export type PageWindow = {
  /** the page shown, 1-based, never past the last page */
  page: number;
  pages: number;
  offset: number;
  size: number;
  /** 1-based numbers of the first and last row shown (0 and 0 when the list is empty) */
  from: number;
  to: number;
  total: number;
};

/**
 * Which rows of a long list a page shows: `?page=` read leniently (garbage, 0 or a page past the end show the
 * nearest real page), the total from an aggregate query. Lists that scale (issue 15) share it.
 */
export function pageWindow(total: number, raw: string | null | undefined, size: number): PageWindow {
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(pages, PageParam.parse(raw ?? 1));
  const offset = (page - 1) * size;
  return { page, pages, offset, size, total, from: total ? offset + 1 : 0, to: Math.min(total, offset + size) };
}
