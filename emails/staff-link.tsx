import { Button, Link, Section, Text } from "@react-email/components";

import { Layout, type LetterheadProps } from "./components/layout";

export type StaffLinkProps = {
  lang: string;
  organisation: string;
  preview: string;
  paragraphs: string[];
  link: { url: string; label: string; intro: string };
  footer: string;
  letterhead?: LetterheadProps | null;
};

/** An invitation to Plenary or a password reset: a few lines, the one-time link as a button and as text. */
export default function StaffLink({ lang, organisation, preview, paragraphs, link, footer, letterhead }: StaffLinkProps) {
  return (
    <Layout lang={lang} organisation={organisation} preview={preview} footer={footer} letterhead={letterhead}>
      {paragraphs.map((paragraph, index) => (
        <Text key={index} lang={lang} style={{ fontSize: "15px", lineHeight: "24px", margin: "12px 0", overflowWrap: "anywhere" }}>
          {paragraph}
        </Text>
      ))}
      <Section style={{ margin: "20px 0" }}>
        <Button
          href={link.url}
          style={{
            backgroundColor: "#17406d",
            color: "#ffffff",
            borderRadius: "6px",
            padding: "12px 20px",
            fontWeight: 700,
            fontSize: "15px",
            maxWidth: "100%",
            boxSizing: "border-box",
          }}
        >
          {link.label}
        </Button>
        <Text style={{ fontSize: "13px", color: "#4a5565", margin: "12px 0 0", overflowWrap: "anywhere" }}>
          {/* a one-time token cannot wrap at word boundaries: it breaks anywhere rather than widen the message */}
          {link.intro}{" "}
          <Link href={link.url} style={{ wordBreak: "break-all" }}>
            {link.url}
          </Link>
        </Text>
      </Section>
    </Layout>
  );
}

StaffLink.PreviewProps = {
  lang: "en",
  organisation: "NEAR Secretariat",
  preview: "You are invited to Plenary",
  paragraphs: ["Dear Kim Minji,", "Lim Byung-jin has invited you to Plenary, the NEAR Secretariat's portal for its meetings, as Staff."],
  link: {
    url: "http://localhost:3000/account/password/example",
    label: "Choose your password",
    intro: "If the button does not work, copy this address into your browser:",
  },
  footer: "The link works once and expires in 7 days. If you did not expect this message, you can ignore it.",
} satisfies StaffLinkProps;
