// npm run bench:roster — a 2,000-participant List of Participants (names in six scripts, incl. Mongolian Ө/Ү),
// rendered by renderRosterPdf, next to raw pdfkit writing the same rows with the same fonts in the same run
// (PERF-LIMITS 5a/5b: doc.text per cell, the right font per run, A4, a new page when full, nothing else).
// Warm-up once, then the median of 5 runs each. Goal: renderRosterPdf ≤ 2 × raw pdfkit.
import PDFDocument from "pdfkit";

import { FONT_KEYS, fontBuffer, fontName, registerFonts } from "~/lib/pdf/fonts.server";
import { renderRosterPdf, type RosterPdfInput } from "~/lib/pdf/roster.server";
import { clearTextCaches, MM, textRuns, toBuffer } from "~/lib/pdf/text.server";
import type { PdfLang, PdfText } from "~/lib/pdf/types";

const N = Number(process.env.BENCH_N ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

// --- synthetic participants ------------------------------------------------------------------------------------

const COUNTRIES: { name: string; lang: PdfLang }[] = [
  { name: "China", lang: "zh" },
  { name: "Japan", lang: "ja" },
  { name: "Republic of Korea", lang: "ko" },
  { name: "Mongolia", lang: "mn" },
  { name: "Russian Federation", lang: "ru" },
  { name: "Democratic People's Republic of Korea", lang: "ko" },
];

const NAMES: Record<PdfLang, { family: string[]; given: string[]; latin: (f: number, g: number) => string }> = {
  zh: {
    family: ["李", "王", "张", "刘", "陈", "杨", "赵", "黄"],
    given: ["乐成", "建国", "丽华", "晓东", "海燕", "志强", "汉文", "单青"],
    latin: (f, g) =>
      `${["LI", "WANG", "ZHANG", "LIU", "CHEN", "YANG", "ZHAO", "HUANG"][f]} ${["Lecheng", "Jianguo", "Lihua", "Xiaodong", "Haiyan", "Zhiqiang", "Hanwen", "Danqing"][g]}`,
  },
  ja: {
    family: ["鈴木", "佐藤", "高橋", "田中", "渡辺", "伊藤", "山本", "中村"],
    given: ["一郎", "花子", "さくら", "健太", "ゆかり", "翔太", "美咲", "かおる"],
    latin: (f, g) =>
      `${["SUZUKI", "SATO", "TAKAHASHI", "TANAKA", "WATANABE", "ITO", "YAMAMOTO", "NAKAMURA"][f]} ${["Ichiro", "Hanako", "Sakura", "Kenta", "Yukari", "Shota", "Misaki", "Kaoru"][g]}`,
  },
  ko: {
    family: ["김", "이", "박", "최", "정", "강", "조", "윤"],
    given: ["철수", "영희", "민준", "서연", "지훈", "하은", "도윤", "수빈"],
    latin: (f, g) =>
      `${["KIM", "LEE", "PARK", "CHOI", "JUNG", "KANG", "CHO", "YOON"][f]} ${["Cheolsu", "Younghee", "Minjun", "Seoyeon", "Jihun", "Haeun", "Doyun", "Subin"][g]}`,
  },
  mn: {
    family: ["Өлзийбат", "Батболд", "Үүрийнтуяа", "Ганбаатар", "Мөнхбат", "Сүхбаатар", "Отгонбаяр", "Нямдорж"],
    given: ["Үүрийнтуяа", "Өлзий", "Болормаа", "Түвшин", "Оюунчимэг", "Энхтүвшин", "Сарангэрэл", "Мөнхзул"],
    latin: (f, g) =>
      `${["ULZIIBAT", "BATBOLD", "UURIINTUYA", "GANBAATAR", "MUNKHBAT", "SUKHBAATAR", "OTGONBAYAR", "NYAMDORJ"][f]} ${["Uuriintuya", "Ulzii", "Bolormaa", "Tuvshin", "Oyuunchimeg", "Enkhtuvshin", "Sarangerel", "Munkhzul"][g]}`,
  },
  ru: {
    family: ["Кожемяко", "Иванов", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева", "Новиков"],
    given: [
      "Олег Николаевич",
      "Анна Сергеевна",
      "Дмитрий Петрович",
      "Мария Ивановна",
      "Игорь Алексеевич",
      "Елена Викторовна",
      "Павел Андреевич",
      "Ольга Юрьевна",
    ],
    latin: (f, g) =>
      `${["KOZHEMYAKO", "IVANOV", "SMIRNOVA", "KUZNETSOV", "POPOVA", "SOKOLOV", "LEBEDEVA", "NOVIKOV"][f]} ${["Oleg", "Anna", "Dmitry", "Maria", "Igor", "Elena", "Pavel", "Olga"][g]}`,
  },
  en: { family: ["Smith"], given: ["John"], latin: () => "SMITH John" },
};

const MEMBER_NAMES: Record<PdfLang, string[]> = {
  zh: [
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "山东省",
    "河南省",
    "湖南省",
    "宁夏回族自治区",
    "内蒙古自治区",
    "河北省",
    "山西省",
    "陕西省",
    "甘肃省",
    "四川省",
    "安徽省",
  ],
  ja: ["北海道", "青森県", "秋田県", "山形県", "新潟県", "富山県", "石川県", "福井県", "鳥取県", "島根県", "兵庫県", "京都府", "和歌山県", "宮城県"],
  ko: [
    "서울특별시",
    "부산광역시",
    "대구광역시",
    "인천광역시",
    "광주광역시",
    "대전광역시",
    "울산광역시",
    "경기도",
    "강원특별자치도",
    "충청북도",
    "충청남도",
    "전라남도",
    "경상북도",
    "제주특별자치도",
  ],
  mn: [
    "Төв аймаг",
    "Өвөрхангай аймаг",
    "Хөвсгөл аймаг",
    "Сүхбаатар аймаг",
    "Дорнод аймаг",
    "Хэнтий аймаг",
    "Увс аймаг",
    "Өмнөговь аймаг",
    "Булган аймаг",
    "Сэлэнгэ аймаг",
    "Дархан-Уул аймаг",
    "Орхон аймаг",
    "Говь-Алтай аймаг",
  ],
  ru: [
    "Приморский край",
    "Хабаровский край",
    "Республика Бурятия",
    "Забайкальский край",
    "Иркутская область",
    "Амурская область",
    "Сахалинская область",
    "Республика Саха (Якутия)",
    "Камчатский край",
    "Магаданская область",
    "Еврейская автономная область",
    "Томская область",
    "Тыва",
  ],
  en: ["Member"],
};

const TITLES = [
  "Governor",
  "Vice-Governor",
  "Director-General, Department of International Cooperation",
  "Deputy Director",
  "Senior Officer",
  "Interpreter",
  "Adviser to the Governor on Foreign Affairs and Investment",
];
const ROLES = ["Head of delegation", "Delegate", "Adviser", "Interpreter", "Observer"];

type Participant = { name: PdfText; title: PdfText; member: PdfText; role: string; category: string };

function participants(): RosterPdfInput["sections"] {
  const sections: RosterPdfInput["sections"] = [];
  let made = 0;
  const membersTotal = 80;
  let memberIndex = 0;
  for (let c = 0; c < COUNTRIES.length; c++) {
    const country = COUNTRIES[c];
    const memberCount = Math.round(membersTotal / COUNTRIES.length) + (c < membersTotal % COUNTRIES.length ? 1 : 0);
    const groups: RosterPdfInput["sections"][number]["groups"] = [];
    for (let m = 0; m < memberCount; m++, memberIndex++) {
      const lang = country.lang;
      const memberName =
        MEMBER_NAMES[lang][m % MEMBER_NAMES[lang].length] + (m >= MEMBER_NAMES[lang].length ? ` ${Math.floor(m / MEMBER_NAMES[lang].length) + 1}` : "");
      const size = Math.floor(N / membersTotal) + (memberIndex < N % membersTotal ? 1 : 0);
      const rows: Record<string, PdfText>[] = [];
      for (let p = 0; p < size; p++, made++) {
        // every tenth participant is an English-named adviser, every seventh Mongolian-named (with Ө/Ү)
        const personLang: PdfLang = made % 10 === 9 ? "en" : made % 7 === 3 ? "mn" : lang;
        const pool = NAMES[personLang];
        const f = (made * 7 + p) % 8;
        const g = (made * 3 + m) % 8;
        const person: Participant =
          personLang === "en"
            ? {
                name: `SMITH-JONES ${["Alexander", "Catherine", "Jonathan", "Elizabeth"][made % 4]} ${made}`,
                title: TITLES[made % TITLES.length],
                member: memberName,
                role: ROLES[4],
                category: "Observer",
              }
            : {
                name: {
                  text: `${nativeName(personLang, pool.family[f % pool.family.length], pool.given[g % pool.given.length])}\n${pool.latin(f % pool.family.length, g % pool.given.length)}`,
                  lang: personLang,
                },
                title: TITLES[made % TITLES.length],
                member: { text: memberName, lang },
                role: ROLES[p === 0 ? 0 : 1 + (made % 3)],
                category: p === 0 ? "Delegate" : made % 5 === 0 ? "Press" : "Delegate",
              };
        rows.push({ name: person.name, title: person.title, member: person.member, role: person.role, category: person.category });
      }
      groups.push({ heading: { text: memberName, lang }, rows });
    }
    sections.push({ heading: country.name, groups });
  }
  return sections;
}

function nativeName(lang: PdfLang, family: string, given: string): string {
  return lang === "ru" || lang === "mn" ? `${family} ${given}` : `${family}${lang === "ko" ? "" : " "}${given}`.replace(/ /g, lang === "ja" ? " " : "");
}

const input: RosterPdfInput = {
  lang: "en",
  title: "List of Participants",
  subtitle: "16th General Assembly of NEAR · 16 – 17 June 2027 · Ulan-Ude, Republic of Buryatia (UTC+8)",
  stamp: "Final list — 24 November 2026, 14:05",
  columns: [
    { key: "name", label: "Name", width: 30 },
    { key: "title", label: "Title", width: 28 },
    { key: "member", label: "Member", width: 20 },
    { key: "role", label: "Role", width: 12 },
    { key: "category", label: "Category", width: 10 },
  ],
  sections: participants(),
  pageLabel: "Page {page} of {pages}",
  emptyLabel: "No participants",
  continuedLabel: "(continued)",
};

// --- (a) raw pdfkit: the same rows, the same fonts, doc.text per cell ------------------------------------------

type RawRow = { cells: { x: number; width: number; lines: { text: string; font: string }[][] }[] };

function prepareRawRows(): RawRow[] {
  const margin = 15 * MM;
  const contentWidth = 595.28 - 2 * margin;
  const weights = input.columns.reduce((s, c) => s + c.width, 0);
  let x = margin;
  const cols = input.columns.map((c) => {
    const col = { key: c.key, x, width: (c.width / weights) * contentWidth };
    x += col.width;
    return col;
  });
  const rows: RawRow[] = [];
  for (const section of input.sections) {
    for (const group of section.groups) {
      for (const row of group.rows) {
        rows.push({
          cells: cols.map((col) => {
            const value = row[col.key] ?? "";
            const text = typeof value === "string" ? value : value.text;
            const lang = typeof value === "string" ? input.lang : (value.lang ?? input.lang);
            return { x: col.x, width: col.width, lines: text.split("\n").map((line) => textRuns(line, lang)) };
          }),
        });
      }
    }
  }
  return rows;
}

/**
 * fonts "shared": the parsed fonts renderRosterPdf uses (fontkit objects, once per process); "buffers": the font
 * files registered as Buffers, so pdfkit parses each font again in every document (PERF-LIMITS 5b).
 * lean: no width, so pdfkit skips its line wrapper (and cannot clip or ellipsise a long cell).
 */
async function rawPdfkit(rows: RawRow[], opts: { fonts: "shared" | "buffers"; lean?: boolean } = { fonts: "shared" }): Promise<Buffer> {
  const margin = 15 * MM;
  const doc = new PDFDocument({ size: "A4", margin, font: null as unknown as string });
  if (opts.fonts === "shared") registerFonts(doc);
  else for (const key of FONT_KEYS) for (const bold of [false, true]) doc.registerFont(fontName(key, bold), fontBuffer(key, bold));
  doc.fontSize(8);
  const rowHeight = 2 * 8 * 1.3 + 5; // two lines (native + Latin name)
  const bottom = doc.page.height - margin;
  let y = margin;
  for (const row of rows) {
    if (y + rowHeight > bottom) {
      doc.addPage();
      y = margin;
    }
    for (const cell of row.cells) {
      cell.lines.forEach((runs, lineIndex) => {
        runs.forEach((run, i) => {
          doc.font(run.font);
          const continued = i < runs.length - 1;
          if (i > 0) doc.text(run.text, { continued });
          else if (opts.lean) doc.text(run.text, cell.x, y + lineIndex * 8 * 1.3, { lineBreak: false, continued });
          else doc.text(run.text, cell.x, y + lineIndex * 8 * 1.3, { width: cell.width - 6, height: 8 * 1.3, ellipsis: true, lineBreak: false, continued });
        });
      });
    }
    y += rowHeight;
  }
  return toBuffer(doc);
}

// --- timing ----------------------------------------------------------------------------------------------------

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Wall-clock and CPU time (user + system, all threads of this process) of one run. */
async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; cpu: number; result: T }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpu: (used.user + used.system) / 1000, result };
}

function pagesOf(pdf: Buffer) {
  return (pdf.toString("latin1").match(/\/Type \/Page\b/g) ?? []).length;
}

const participantsCount = input.sections.flatMap((s) => s.groups).reduce((sum, g) => sum + g.rows.length, 0);
const memberCount = input.sections.flatMap((s) => s.groups).length;
console.log(
  `Roster PDF benchmark: ${participantsCount} participants, ${memberCount} members, ${input.sections.length} countries; median of ${RUNS} after a warm-up`,
);

const rawRows = prepareRawRows(); // run splitting for (a) happens outside its timing: (a) is the floor

if (process.env.BENCH_ONLY) {
  // for profiling one side: BENCH_ONLY=a | b | b-cold (node --cpu-prof --import tsx tests/bench/roster.bench.ts)
  for (let i = 0; i < 10; i++) {
    if (process.env.BENCH_ONLY === "a") await rawPdfkit(rawRows);
    else {
      if (process.env.BENCH_ONLY === "b-cold") clearTextCaches();
      await renderRosterPdf(input);
    }
  }
  process.exit(0);
}
await rawPdfkit(rawRows);
await renderRosterPdf(input);

type Series = { wall: number[]; cpu: number[] };
const series = (): Series => ({ wall: [], cpu: [] });
const a = series();
const b = series();
const bCold = series();
const lean = series();
const buffers = series();
let aPdf: Buffer = Buffer.alloc(0);
let bPdf: Buffer = Buffer.alloc(0);
async function measure<T>(into: Series, fn: () => Promise<T>): Promise<T> {
  const { ms, cpu, result } = await time(fn);
  into.wall.push(ms);
  into.cpu.push(cpu);
  return result;
}
await rawPdfkit(rawRows, { fonts: "buffers" });
await rawPdfkit(rawRows, { fonts: "shared", lean: true });
for (let i = 0; i < RUNS; i++) {
  // interleaved, so that a noisy neighbour on the shared cores hits all alike
  aPdf = await measure(a, () => rawPdfkit(rawRows));
  bPdf = await measure(b, () => renderRosterPdf(input));
  clearTextCaches(); // the same with cold run/width caches (as for a roster rendered for the first time)
  await measure(bCold, () => renderRosterPdf(input));
  // for context, not part of the ratio: a leaner raw loop, and raw pdfkit parsing the fonts in every document
  await measure(lean, () => rawPdfkit(rawRows, { fonts: "shared", lean: true }));
  await measure(buffers, () => rawPdfkit(rawRows, { fonts: "buffers" }));
}

const fmt = (ms: number) => `${Math.round(ms).toLocaleString("en")} ms`;
const kb = (buf: Buffer) => `${Math.round(buf.length / 1024).toLocaleString("en")} KB`;
const spread = (xs: number[]) => `(${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`.padEnd(20);
const line = (label: string, xs: Series, extra = "") =>
  console.log(`${label.padEnd(58)}${fmt(median(xs.wall)).padStart(9)}  ${spread(xs.wall)} cpu ${fmt(median(xs.cpu)).padStart(8)}  ${extra}`);
line("(a) raw pdfkit: doc.text per cell and run, same fonts", a, `${kb(aPdf)}, ${pagesOf(aPdf)} pages`);
line("(b) renderRosterPdf", b, `${kb(bPdf)}, ${pagesOf(bPdf)} pages`);
line("(b) renderRosterPdf, run/width caches cleared first", bCold);
const ratio = (x: Series, y: Series, k: keyof Series = "wall") => median(x[k]) / median(y[k]);
console.log(
  `ratio b/a: ${ratio(b, a).toFixed(2)} (caches cleared: ${ratio(bCold, a).toFixed(2)}; by CPU time: ${ratio(b, a, "cpu").toFixed(2)} / ${ratio(bCold, a, "cpu").toFixed(2)}); goal ≤ 2: ${Math.max(ratio(b, a), ratio(bCold, a)) <= 2 ? "met" : "NOT met"}`,
);
console.log("context:");
line("  raw pdfkit without width (no line wrapper, no clipping)", lean, `b/lean ${ratio(b, lean).toFixed(2)}, by CPU ${ratio(b, lean, "cpu").toFixed(2)}`);
line("  raw pdfkit, fonts registered as Buffers (parsed per doc)", buffers, "(PERF-LIMITS 5b: 1,720 ms with the Debian .ttc)");

// --- (c) the app's whole path -------------------------------------------------------------------------------------
// 2,000 confirmed delegates of the 82 demo members in an in-memory PGlite: read, protocol order, labels in the
// roster language, then the same PDF renderer; what GET /events/<id>/roster.pdf does apart from HTTP and audit.
{
  const { PGlite } = await import("@electric-sql/pglite");
  const { migrateToLatest } = await import("../../db/migrator");
  const { createPgliteDb } = await import("~/db.server");
  const { loadDemoData } = await import("~/models/demo.server");
  const { createEvent, getEvent, transitionEvent } = await import("~/models/event.server");
  const { ensureInvitation } = await import("~/models/invitation.server");
  const { createStaffUser } = await import("~/models/staff-user.server");
  const { EventSchema } = await import("~/lib/event-schemas");
  const { buildRoster, rosterLabels } = await import("~/services/roster-view.server");
  const { rosterPdf } = await import("~/services/roster-output.server");

  const db = createPgliteDb(await PGlite.create());
  await migrateToLatest(db);
  await loadDemoData(db);
  const user = await createStaffUser(db, { email: "bench@example.org", displayName: "Bench", passwordHash: "x", role: "staff" });
  const { id: eventId } = await createEvent(
    db,
    EventSchema.parse({
      kind: "general_assembly",
      title: { en: "General Assembly" },
      timeZone: "Asia/Seoul",
      start: "2027-06-16T09:00",
      end: "2027-06-17T18:00",
      quota: "30",
      categories: ["delegate"],
    }),
  );
  await transitionEvent(db, { id: eventId, version: 1, to: "open" });
  const members = await db.selectFrom("member").select(["id", "country"]).execute();
  const langOf: Record<string, PdfLang> = { CN: "zh", JP: "ja", KR: "ko", MN: "mn", RU: "ru" };
  const rows = [];
  for (const [m, member] of members.entries()) {
    const { id: invitationId } = await ensureInvitation(db, { eventId, memberId: member.id, letterLocale: "en", createdBy: user.id });
    await db.updateTable("invitation").set({ response: "attending" }).where("id", "=", invitationId).execute();
    const lang = langOf[member.country] ?? "en";
    const names = NAMES[lang];
    const count = Math.floor(N / members.length) + (m < N % members.length ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const [latinFamily, latinGiven] = names.latin(i % names.family.length, (i + m) % names.given.length).split(" ");
      rows.push({
        invitation_id: invitationId,
        position: i,
        role: (i === 0 ? "head" : i === 1 ? "deputy" : "official") as "head",
        name_locale: lang,
        ...(lang === "mn" ? { patronymic: names.family[i % names.family.length] } : { family_name: names.family[i % names.family.length] }),
        given_name: names.given[(i + m) % names.given.length],
        latin_family_name: latinFamily,
        latin_given_name: latinGiven,
        title: "Director-General, International Affairs",
      });
    }
  }
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto("delegate")
      .values(rows.slice(i, i + 500))
      .execute();
  const event = (await getEvent(db, { id: eventId }))!;
  const appPath = async () => {
    const view = await buildRoster(db, event, { lang: "en", filter: {} });
    const { t } = await rosterLabels("en");
    return rosterPdf({ db, view, t, lang: "en", subtitle: "General Assembly · 16–17 June 2027", stamp: "Final list no. 1" } as unknown as Parameters<
      typeof rosterPdf
    >[0]);
  };
  await appPath();
  const c = series();
  const aAgain = series();
  let cPdf: Buffer = Buffer.alloc(0);
  for (let i = 0; i < RUNS; i++) {
    await measure(aAgain, () => rawPdfkit(rawRows));
    cPdf = await measure(c, appPath);
  }
  line(`(c) the app's path from the database (${rows.length} delegates)`, c, `${kb(cPdf)}, ${pagesOf(cPdf)} pages; c/a ${ratio(c, aAgain).toFixed(2)}`);
  await db.destroy();
}
