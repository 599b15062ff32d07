import { Button, Hr, Link, Section, Text } from "@react-email/components";
import { Layout, type LetterheadProps } from "./components/layout";

export type LetterProps = {
  lang: string;
  organisation: string;
  preview: string;
  /** paragraphs of the letter, placeholders already filled; the reply link, alone on a line, becomes a link */
  paragraphs: string[];
  link?: { url: string; label: string; intro: string } | null;
  facts?: { heading: string; rows: { label: string; value: string }[] } | null;
  footer?: string;
  /** a second language version (bilingual letters): the English text under the recipient's */
  second?: { lang: string; heading: string; paragraphs: string[] } | null;
  letterhead?: LetterheadProps | null;
};

function Paragraphs({ paragraphs, linkUrl, lang }: { paragraphs: string[]; linkUrl?: string; lang: string }) {
  return (
    <>
      {paragraphs.map((paragraph, index) => (
        <Text key={index} lang={lang} style={{ fontSize: "15px", lineHeight: "24px", margin: "12px 0", whiteSpace: "pre-line" }}>
          {linkUrl && paragraph.trim() === linkUrl ? <Link href={linkUrl}>{linkUrl}</Link> : paragraph}
        </Text>
      ))}
    </>
  );
}

/** Every letter kind (invitation, reminder, update, cancellation): the text staff wrote, plus the reply button and the facts. */
export default function Letter({ lang, organisation, preview, paragraphs, link, facts, footer, second, letterhead }: LetterProps) {
  return (
    <Layout lang={lang} organisation={organisation} preview={preview} footer={footer} letterhead={letterhead}>
      <Paragraphs paragraphs={paragraphs} linkUrl={link?.url} lang={lang} />
      {link ? (
        <Section style={{ margin: "20px 0" }}>
          <Button href={link.url} style={{ backgroundColor: "#17406d", color: "#ffffff", borderRadius: "6px", padding: "12px 20px", fontWeight: 700, fontSize: "15px" }}>
            {link.label}
          </Button>
          <Text style={{ fontSize: "13px", color: "#4a5565", margin: "12px 0 0" }}>
            {link.intro} <Link href={link.url}>{link.url}</Link>
          </Text>
        </Section>
      ) : null}
      {facts ? (
        <Section style={{ backgroundColor: "#f4f6f9", borderRadius: "6px", padding: "12px 16px", margin: "16px 0" }}>
          <Text style={{ fontWeight: 700, margin: "0 0 6px" }}>{facts.heading}</Text>
          {facts.rows.map((row) => (
            <Text key={row.label} style={{ margin: "2px 0", fontSize: "14px" }}>
              <strong>{row.label}:</strong> {row.value}
            </Text>
          ))}
        </Section>
      ) : null}
      {second ? (
        <>
          <Hr style={{ borderColor: "#d8dee6" }} />
          <Text lang={second.lang} style={{ fontWeight: 700 }}>
            {second.heading}
          </Text>
          <Paragraphs paragraphs={second.paragraphs} linkUrl={link?.url} lang={second.lang} />
        </>
      ) : null}
    </Layout>
  );
}

Letter.PreviewProps = {
  lang: "en",
  organisation: "NEAR Secretariat",
  preview: "Invitation: 16th NEAR General Assembly",
  paragraphs: ["Dear Governor Tsydenov,", "The NEAR Secretariat has the honour to invite you …", "Yours sincerely,\nNEAR Secretariat"],
  link: { url: "http://localhost:3000/r/example", label: "Reply and register your delegation", intro: "If the button does not work, copy this address into your browser:" },
  facts: { heading: "The meeting", rows: [{ label: "Dates", value: "16 – 17 June 2027, Ulan-Ude (UTC+8)" }] },
  footer: "This message was sent by the NEAR Secretariat.",
} satisfies LetterProps;
