import { Body } from "@react-email/body";
import { Container } from "@react-email/container";
import { Head } from "@react-email/head";
import { Hr } from "@react-email/hr";
import { Html } from "@react-email/html";
import { Img } from "@react-email/img";
import { Preview } from "@react-email/preview";
import { Section } from "@react-email/section";
import { Text } from "@react-email/text";
import type * as React from "react";

/** The secretariat's logo (a hosted URL: mail clients block data: images) and postal address (Settings → Identity). */
export type LetterheadProps = { logoUrl?: string | null; address?: string | null };

/**
 * Letterhead shell shared by every message: the organisation's name on top, the footer below, `lang` set.
 * With a logo or an address the top is a white letterhead (logo, name, address) instead of the dark band.
 */
export function Layout({
  lang,
  organisation,
  preview,
  footer,
  letterhead,
  children,
}: {
  lang: string;
  organisation: string;
  preview: string;
  footer?: string;
  letterhead?: LetterheadProps | null;
  children: React.ReactNode;
}) {
  const formal = Boolean(letterhead?.logoUrl || letterhead?.address);
  return (
    <Html lang={lang}>
      <Head />
      <Preview>{preview}</Preview>
      <Body
        style={{
          backgroundColor: "#f4f6f9",
          fontFamily: "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK KR', sans-serif",
          color: "#1b2430",
          margin: 0,
          padding: "24px 0",
        }}
      >
        <Container style={{ maxWidth: "620px", backgroundColor: "#ffffff", border: "1px solid #d8dee6", borderRadius: "8px" }}>
          {formal ? (
            <Section style={{ borderBottom: "3px solid #0f2d4f", borderRadius: "8px 8px 0 0", padding: "16px 24px", textAlign: "center" }}>
              {letterhead?.logoUrl ? <Img src={letterhead.logoUrl} alt="" height="56" style={{ margin: "0 auto 8px", height: "56px", width: "auto" }} /> : null}
              <Text style={{ color: "#0f2d4f", fontSize: "16px", fontWeight: 700, margin: 0 }}>{organisation}</Text>
              {letterhead?.address ? (
                <Text style={{ color: "#4a5565", fontSize: "12px", lineHeight: "18px", margin: "4px 0 0", whiteSpace: "pre-line" }}>{letterhead.address}</Text>
              ) : null}
            </Section>
          ) : (
            <Section style={{ backgroundColor: "#0f2d4f", borderRadius: "8px 8px 0 0", padding: "16px 24px" }}>
              <Text style={{ color: "#ffffff", fontSize: "16px", fontWeight: 700, margin: 0 }}>{organisation}</Text>
            </Section>
          )}
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
