import { Text } from "@react-email/text";

import { Layout, type LetterheadProps } from "./components/layout";
import { LinkButton, type MailLink, PARAGRAPH } from "./components/parts";

export type StaffLinkProps = {
  lang: string;
  organisation: string;
  preview: string;
  paragraphs: string[];
  link: MailLink;
  footer: string;
  letterhead?: LetterheadProps | null;
};

/** An invitation to Plenary or a password reset: a few lines, the one-time link as a button and as text. */
export default function StaffLink({ lang, organisation, preview, paragraphs, link, footer, letterhead }: StaffLinkProps) {
  return (
    <Layout lang={lang} organisation={organisation} preview={preview} footer={footer} letterhead={letterhead}>
      {paragraphs.map((paragraph, index) => (
        <Text key={index} lang={lang} style={PARAGRAPH}>
          {paragraph}
        </Text>
      ))}
      {/* a one-time token cannot wrap at word boundaries: the written-out address breaks anywhere */}
      <LinkButton link={link} fallback />
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
