import { Hr } from "@react-email/hr";
import { Text } from "@react-email/text";

import { Layout, type LetterheadProps } from "./components/layout";
import { FactsBox, LinkButton, type MailFacts, type MailLink, WRAP } from "./components/parts";

export type LetterProps = {
  lang: string;
  organisation: string;
  preview: string;
  /** paragraphs of the letter, placeholders already filled; the reply link's address in them becomes the button */
  paragraphs: string[];
  link?: MailLink | null;
  facts?: MailFacts | null;
  footer?: string;
  /** a second language version (bilingual letters): the English text under the recipient's */
  second?: { lang: string; heading: string; paragraphs: string[]; linkLabel?: string } | null;
  letterhead?: LetterheadProps | null;
};

/** Letter paragraphs keep the staff's own line breaks. */
const LETTER_PARAGRAPH = { fontSize: "15px", lineHeight: "24px", margin: "12px 0", whiteSpace: "pre-line", ...WRAP } as const;

/**
 * The letter's paragraphs, with `{{rsvp.link}}` (the address, wherever staff put it) shown as the button instead
 * of the raw address: a 43-character token cannot wrap and pushed the message to 644 px on a phone.
 */
function Paragraphs({
  paragraphs,
  lang,
  link,
  label,
  fallback,
}: {
  paragraphs: string[];
  lang: string;
  link?: MailLink | null;
  label: string;
  fallback: boolean;
}) {
  let shown = false;
  return (
    <>
      {paragraphs.flatMap((paragraph, index) => {
        const pieces = link ? paragraph.split(link.url) : [paragraph];
        return pieces.flatMap((piece, i) => {
          const text = piece.trim();
          const parts = [];
          if (text)
            parts.push(
              <Text key={`${index}-${i}`} lang={lang} style={LETTER_PARAGRAPH}>
                {text}
              </Text>,
            );
          if (link && i < pieces.length - 1) {
            parts.push(<LinkButton key={`${index}-${i}-link`} link={link} label={label} fallback={fallback && !shown} />);
            shown = true;
          }
          return parts;
        });
      })}
    </>
  );
}

/** Every letter kind (invitation, reminder, update, cancellation): the text staff wrote, plus the reply button and the facts. */
export default function Letter({ lang, organisation, preview, paragraphs, link, facts, footer, second, letterhead }: LetterProps) {
  const inBody = Boolean(link && paragraphs.some((p) => p.includes(link.url)));
  return (
    <Layout lang={lang} organisation={organisation} preview={preview} footer={footer} letterhead={letterhead}>
      <Paragraphs paragraphs={paragraphs} link={link} label={link?.label ?? ""} fallback lang={lang} />
      {link && !inBody ? <LinkButton link={link} fallback /> : null}
      {facts ? <FactsBox facts={facts} /> : null}
      {second ? (
        <>
          <Hr style={{ borderColor: "#d8dee6" }} />
          <Text lang={second.lang} style={{ fontWeight: 700 }}>
            {second.heading}
          </Text>
          <Paragraphs paragraphs={second.paragraphs} link={link} label={second.linkLabel ?? link?.label ?? ""} fallback={false} lang={second.lang} />
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
  link: {
    url: "http://localhost:3000/r/example",
    label: "Reply and register your delegation",
    intro: "If the button does not work, copy this address into your browser:",
  },
  facts: { heading: "The meeting", rows: [{ label: "Dates", value: "16 – 17 June 2027, Ulan-Ude (UTC+8)" }] },
  footer: "This message was sent by the NEAR Secretariat.",
} satisfies LetterProps;
