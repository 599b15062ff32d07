import { Button } from "@react-email/button";
import { Link } from "@react-email/link";
import { Section } from "@react-email/section";
import { Text } from "@react-email/text";

/** Long words (addresses, URLs in the staff's text) wrap instead of widening the message past a phone's screen. */
export const WRAP = { overflowWrap: "anywhere", wordBreak: "break-word" } as const;

/** A paragraph of body text. */
export const PARAGRAPH = { fontSize: "15px", lineHeight: "24px", margin: "12px 0", ...WRAP } as const;

/** The link a message is about: the button's label and, for the written-out fallback, the sentence before it. */
export type MailLink = { url: string; label: string; intro: string };

/** The link as a button; with `fallback`, the address written out once under it, wrapping anywhere. */
export function LinkButton({ link, label = link.label, fallback }: { link: MailLink; label?: string; fallback: boolean }) {
  return (
    <Section style={{ margin: "16px 0" }}>
      <Button
        href={link.url}
        style={{
          backgroundColor: "#17406d",
          color: "#ffffff",
          borderRadius: "6px",
          padding: "12px 20px",
          fontWeight: 700,
          fontSize: "15px",
          lineHeight: "22px",
          maxWidth: "100%",
          boxSizing: "border-box",
          textAlign: "center",
        }}
      >
        {label}
      </Button>
      {fallback ? (
        <Text style={{ fontSize: "13px", lineHeight: "20px", color: "#4a5565", margin: "12px 0 0", ...WRAP }}>
          {link.intro}{" "}
          <Link href={link.url} style={{ wordBreak: "break-all" }}>
            {link.url}
          </Link>
        </Text>
      ) : null}
    </Section>
  );
}

/** The event's facts (event, dates, venue…) in a grey box under a heading. */
export type MailFacts = { heading: string; rows: { label: string; value: string }[] };

export function FactsBox({ facts }: { facts: MailFacts }) {
  return (
    <Section style={{ backgroundColor: "#f4f6f9", borderRadius: "6px", padding: "12px 16px", margin: "16px 0" }}>
      <Text style={{ fontWeight: 700, margin: "0 0 6px" }}>{facts.heading}</Text>
      {facts.rows.map((row) => (
        <Text key={row.label} style={{ margin: "2px 0", fontSize: "14px", ...WRAP }}>
          <strong>{row.label}:</strong> {row.value}
        </Text>
      ))}
    </Section>
  );
}
