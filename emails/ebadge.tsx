import { Img } from "@react-email/img";
import { Section } from "@react-email/section";
import { Text } from "@react-email/text";

import { Layout, type LetterheadProps } from "./components/layout";
import { FactsBox, LinkButton, type MailFacts, type MailLink, PARAGRAPH, WRAP } from "./components/parts";

export type EbadgeProps = {
  lang: string;
  organisation: string;
  preview: string;
  letterhead?: LetterheadProps | null;
  greeting: string;
  intro: string;
  badge: {
    event: string;
    native: string;
    /** the Latin form when it differs from the native one */
    latin: string | null;
    title: string | null;
    member: string;
    category: string;
    code: string;
    codeLabel: string;
    /** "cid:…": the QR code sent as an inline image (mail clients block data: images) */
    qrSrc: string;
    qrAlt: string;
    hint: string;
  };
  programme: { heading: string; items: string[]; none: string };
  /** items they only wait for (issue 18 §7): never among the programme above */
  waiting?: { heading: string; hint: string; items: string[] };
  link: MailLink;
  facts: MailFacts;
  footer: string;
};

/** A delegate's own confirmation (issue 18 §5): their e-badge with the QR code, their programme items, the event. */
export default function Ebadge({ lang, organisation, preview, letterhead, greeting, intro, badge, programme, waiting, link, facts, footer }: EbadgeProps) {
  return (
    <Layout lang={lang} organisation={organisation} preview={preview} footer={footer} letterhead={letterhead}>
      <Text lang={lang} style={PARAGRAPH}>
        {greeting}
      </Text>
      <Text lang={lang} style={PARAGRAPH}>
        {intro}
      </Text>
      <Section style={{ border: "2px solid #0f2d4f", borderRadius: "10px", padding: "16px", margin: "16px 0", textAlign: "center" }}>
        <Text style={{ color: "#4a5565", fontSize: "13px", margin: "0 0 8px", ...WRAP }}>{badge.event}</Text>
        <Text lang={lang} style={{ fontSize: "22px", lineHeight: "30px", fontWeight: 700, margin: "0", ...WRAP }}>
          {badge.native}
        </Text>
        {badge.latin ? <Text style={{ fontSize: "15px", margin: "2px 0 0", ...WRAP }}>{badge.latin}</Text> : null}
        {badge.title ? <Text style={{ fontSize: "14px", color: "#4a5565", margin: "4px 0 0", ...WRAP }}>{badge.title}</Text> : null}
        <Text style={{ fontSize: "14px", margin: "4px 0 12px", ...WRAP }}>{badge.member}</Text>
        <Img src={badge.qrSrc} alt={badge.qrAlt} width="220" height="220" style={{ margin: "0 auto", width: "220px", height: "220px" }} />
        <Text style={{ fontSize: "14px", letterSpacing: "2px", margin: "4px 0 0", fontFamily: "ui-monospace, Menlo, Consolas, monospace" }}>
          {badge.codeLabel}: {badge.code}
        </Text>
        <Text
          style={{
            display: "inline-block",
            backgroundColor: "#0f2d4f",
            color: "#ffffff",
            borderRadius: "4px",
            padding: "2px 10px",
            fontSize: "13px",
            margin: "8px 0 0",
          }}
        >
          {badge.category}
        </Text>
        <Text lang={lang} style={{ fontSize: "13px", color: "#4a5565", margin: "12px 0 0", ...WRAP }}>
          {badge.hint}
        </Text>
      </Section>
      <Text lang={lang} style={{ fontWeight: 700, margin: "16px 0 4px" }}>
        {programme.heading}
      </Text>
      {programme.items.length ? (
        programme.items.map((item) => (
          <Text key={item} lang={lang} style={{ margin: "2px 0", fontSize: "14px", ...WRAP }}>
            • {item}
          </Text>
        ))
      ) : (
        <Text lang={lang} style={{ margin: "2px 0", fontSize: "14px", color: "#4a5565" }}>
          {programme.none}
        </Text>
      )}
      {waiting?.items.length ? (
        <>
          <Text lang={lang} style={{ fontWeight: 700, margin: "16px 0 4px" }}>
            {waiting.heading}
          </Text>
          <Text lang={lang} style={{ margin: "2px 0 4px", fontSize: "13px", color: "#4a5565", ...WRAP }}>
            {waiting.hint}
          </Text>
          {waiting.items.map((item) => (
            <Text key={item} lang={lang} style={{ margin: "2px 0", fontSize: "14px", ...WRAP }}>
              • {item}
            </Text>
          ))}
        </>
      ) : null}
      <LinkButton link={link} fallback />
      <FactsBox facts={facts} />
    </Layout>
  );
}

Ebadge.PreviewProps = {
  lang: "en",
  organisation: "NEAR Secretariat",
  preview: "Your e-badge: 16th NEAR General Assembly",
  greeting: "Dear Kim Minsoo,",
  intro: "You are registered in the delegation of Gyeongsangbuk-do for the 16th NEAR General Assembly.",
  badge: {
    event: "16th NEAR General Assembly",
    native: "김민수",
    latin: "KIM Minsoo",
    title: "Vice-Governor",
    member: "Gyeongsangbuk-do",
    category: "Delegate",
    code: "7K2M9QXD4P",
    codeLabel: "Badge code",
    qrSrc: "https://example.org/qr.png",
    qrAlt: "QR code 7K2M9QXD4P",
    hint: "Show this QR code at the registration desk.",
  },
  programme: { heading: "Your programme", items: ["Plenary session"], none: "No programme items chosen." },
  waiting: {
    heading: "Waiting list",
    hint: "You are on the waiting list for these items; we will write to you if a place frees up.",
    items: ["Welcome dinner"],
  },
  link: { url: "http://localhost:3000/b/example", label: "Open my e-badge", intro: "If the button does not work, copy this address into your browser:" },
  facts: { heading: "The meeting", rows: [{ label: "Dates", value: "16 – 17 June 2027" }] },
  footer: "This message was sent by the NEAR Secretariat.",
} satisfies EbadgeProps;
