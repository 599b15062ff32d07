import { Text } from "@react-email/text";

import { Layout, type LetterheadProps } from "./components/layout";

/** "Send a test to me": checks the mail settings with a short message in the sender's language. */
export default function TestMessage({
  lang,
  organisation,
  subject,
  body,
  letterhead,
}: {
  lang: string;
  organisation: string;
  subject: string;
  body: string;
  letterhead?: LetterheadProps | null;
}) {
  return (
    <Layout lang={lang} organisation={organisation} preview={subject} letterhead={letterhead}>
      <Text lang={lang} style={{ fontSize: "15px", lineHeight: "24px" }}>
        {body}
      </Text>
    </Layout>
  );
}

TestMessage.PreviewProps = { lang: "en", organisation: "NEAR Secretariat", subject: "Test message from Plenary", body: "This is a test message." };
