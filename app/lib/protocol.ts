import { countryName } from "~/lib/directory";
import { DELEGATE_ROLES, type DelegateRole, GUEST_KINDS, type GuestKind, type ProtocolOrder } from "../../db/schema";

/**
 * Protocol order of a List of Participants (DOMAIN.md §3 "Delegation lists and precedence"):
 * optionally the chair's and the host's delegations first, then countries (English alphabetical by
 * default, or the event's custom order), within a country the members (English alphabetical, or the
 * custom order), within a delegation the head first, then by rank, then in the order the delegation
 * was entered. Guests (issue 18 §3) come after every member, in one section: by kind (international
 * organisations, partner cities, observers, experts, press: GUEST_KINDS), then English name.
 */
export type ProtocolRow = {
  country: string;
  memberId: string;
  memberNameEn: string;
  role: DelegateRole;
  position: number;
  /** set for a guest's people (not a member government) */
  guestKind?: GuestKind | null;
};

export type SectionKind = "chair" | "host" | "country" | "guests";

export type Section<T> = { kind: SectionKind; country: string; members: { memberId: string; rows: T[] }[] };

/** English names as NEAR's lists sort them ("Korea" between Japan and Mongolia, as in NEAR's reports); CLDR otherwise. */
const PROTOCOL_COUNTRY_NAMES: Record<string, string> = { KR: "Korea", KP: "Korea, Democratic People's Republic of" };

export function protocolCountryName(code: string) {
  return PROTOCOL_COUNTRY_NAMES[code] ?? countryName(code, "en");
}

const ROLE_RANK = new Map<DelegateRole, number>(DELEGATE_ROLES.map((role, index) => [role, index]));
const GUEST_RANK = new Map<string, number>(GUEST_KINDS.map((kind, index) => [kind, index]));
/** -1 for a member's delegation (members first), else the guest kind's place. */
const guestRank = (row: ProtocolRow) => (row.guestKind ? (GUEST_RANK.get(row.guestKind) ?? GUEST_KINDS.length) : -1);
const english = new Intl.Collator("en", { sensitivity: "base", numeric: true });

function rankIn(order: string[] | undefined, value: string) {
  const index = order?.indexOf(value) ?? -1;
  return index < 0 ? Number.MAX_SAFE_INTEGER : index;
}

/** Delegations grouped into sections in protocol order; every row appears exactly once. */
export function protocolSections<T extends ProtocolRow>(rows: T[], protocol: ProtocolOrder, hostMemberId: string | null | undefined): Section<T>[] {
  const chairId = protocol.chairFirst ? (protocol.chairMemberId ?? null) : null;
  const hostId = protocol.hostFirst ? (hostMemberId ?? null) : null;
  const countryKey = protocolCountryName;
  const compareCountries = (a: string, b: string) =>
    rankIn(protocol.countryOrder, a) - rankIn(protocol.countryOrder, b) || english.compare(countryKey(a), countryKey(b)) || a.localeCompare(b);
  const compareMembers = (a: T, b: T) =>
    rankIn(protocol.memberOrder, a.memberId) - rankIn(protocol.memberOrder, b.memberId) ||
    english.compare(a.memberNameEn, b.memberNameEn) ||
    a.memberId.localeCompare(b.memberId);
  const comparePeople = (a: T, b: T) => (ROLE_RANK.get(a.role) ?? 99) - (ROLE_RANK.get(b.role) ?? 99) || a.position - b.position;

  const byMember = new Map<string, T[]>();
  for (const row of rows) {
    const list = byMember.get(row.memberId);
    if (list) list.push(row);
    else byMember.set(row.memberId, [row]);
  }
  const delegations = [...byMember.values()].map((list) => list.sort(comparePeople));
  const compareGuests = (a: T, b: T) => guestRank(a) - guestRank(b) || english.compare(a.memberNameEn, b.memberNameEn) || a.memberId.localeCompare(b.memberId);
  delegations.sort((a, b) => {
    const ga = guestRank(a[0]);
    const gb = guestRank(b[0]);
    if (ga >= 0 || gb >= 0) return ga < 0 ? -1 : gb < 0 ? 1 : compareGuests(a[0], b[0]);
    return compareCountries(a[0].country, b[0].country) || compareMembers(a[0], b[0]);
  });

  const sections: Section<T>[] = [];
  const lead = (kind: SectionKind, id: string | null) => {
    const delegation = id ? delegations.find((d) => d[0].memberId === id && guestRank(d[0]) < 0) : undefined;
    if (delegation) sections.push({ kind, country: delegation[0].country, members: [{ memberId: id!, rows: delegation }] });
  };
  lead("chair", chairId);
  if (hostId !== chairId) lead("host", hostId);
  for (const delegation of delegations) {
    const memberId = delegation[0].memberId;
    const last = sections.at(-1);
    if (guestRank(delegation[0]) >= 0) {
      if (last?.kind === "guests") last.members.push({ memberId, rows: delegation });
      else sections.push({ kind: "guests", country: "", members: [{ memberId, rows: delegation }] });
      continue;
    }
    if (memberId === chairId || memberId === hostId) continue;
    if (last?.kind === "country" && last.country === delegation[0].country) last.members.push({ memberId, rows: delegation });
    else sections.push({ kind: "country", country: delegation[0].country, members: [{ memberId, rows: delegation }] });
  }
  return sections;
}

/** The rows of protocolSections, flattened. */
export function protocolOrder<T extends ProtocolRow>(rows: T[], protocol: ProtocolOrder, hostMemberId?: string | null): T[] {
  return protocolSections(rows, protocol, hostMemberId).flatMap((s) => s.members.flatMap((m) => m.rows));
}
