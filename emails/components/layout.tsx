import { Body, Container, Head, Hr, Html, Preview, Section, Text } from "@react-email/components";
import type * as React from "react";

/** Letterhead shell shared by every message: the organisation's name on top, the footer below, `lang` set. */
export function Layout({ lang, organisation, preview, footer, children }: { lang: string; organisation: string; preview: string; footer?: string; children: React.ReactNode }) {
  return (
    <Html lang={lang}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={{ backgroundColor: "#f4f6f9", fontFamily: "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK KR', sans-serif", color: "#1b2430", margin: 0, padding: "24px 0" }}>
        <Container style={{ maxWidth: "620px", backgroundColor: "#ffffff", border: "1px solid #d8dee6", borderRadius: "8px" }}>
          <Section style={{ backgroundColor: "#0f2d4f", borderRadius: "8px 8px 0 0", padding: "16px 24px" }}>
            <Text style={{ color: "#ffffff", fontSize: "16px", fontWeight: 700, margin: 0 }}>{organisation}</Text>
          </Section>
          <Section style={{ padding: "8px 24px 16px" }}>{children}</Section>
          {footer ? (
            <>
              <Hr style={{ borderColor: "#d8dee6", margin: 0 }} />
              <Section style={{ padding: "12px 24px" }}>
                <Text style={{ color: "#4a5565", fontSize: "12px", lineHeight: "18px", margin: 0 }}>{footer}</Text>
              </Section>
            </>
          ) : null}
        </Container>
      </Body>
    </Html>
  );
}
