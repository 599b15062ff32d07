import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { databaseKind, getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { htmlLang, type Lng } from "~/i18n";
import { getFixedT } from "~/i18next.server";
import { readForm } from "~/lib/bounded-form.server";
import { formatDateTimeZoned } from "~/lib/dates";
import { localized } from "~/lib/directory";
import type { PageTitle } from "~/lib/page-title";
import { messageIdFor } from "~/lib/tokens.server";
import { dkimSettings, dnsAdvice } from "~/mail/dkim.server";
import { renderEmail, renderEmailText } from "~/mail/render-email.server";
import { parseMailFrom } from "~/mail/transport.server";
import { audited } from "~/models/audit.server";
import { lastBackup } from "~/models/backup-log.server";
import { enqueueMessage, getQueueState } from "~/models/email-message.server";
import { getSecretariat } from "~/models/secretariat.server";
import { appVersion, builtAt, databaseSize, findMessageByKey, getMessageStatus, mailMetrics, queueSummary, sentPerMinute } from "~/models/system.server";
import TestMessage from "../../emails/test-message";

/** A worker that has not reported for this long is shown as a problem (it beats every ten seconds). */
const HEARTBEAT_STALE_SECONDS = 120;

const SubmissionSchema = z.string().uuid();

/** "34 seconds ago", "5 minutes ago" … in the reader's language. */
function ago(seconds: number, locale: Lng) {
  const format = new Intl.RelativeTimeFormat(htmlLang[locale], { numeric: "auto" });
  if (seconds < 90) return format.format(-Math.max(0, Math.round(seconds)), "second");
  if (seconds < 90 * 60) return format.format(-Math.round(seconds / 60), "minute");
  if (seconds < 36 * 3600) return format.format(-Math.round(seconds / 3600), "hour");
  return format.format(-Math.round(seconds / 86400), "day");
}

function formatBytes(bytes: number, locale: Lng) {
  const [value, unit] =
    bytes >= 1024 ** 3 ? [bytes / 1024 ** 3, "gigabyte"] : bytes >= 1024 ** 2 ? [bytes / 1024 ** 2, "megabyte"] : [bytes / 1024, "kilobyte"];
  return new Intl.NumberFormat(htmlLang[locale], { style: "unit", unit, maximumFractionDigits: 1 }).format(value);
}

/** SMTP_URL without credentials or parameters: "smtp://relay.example.org:587". */
function smtpEndpoint(smtpUrl: string) {
  const url = new URL(smtpUrl);
  const port = url.port || (url.protocol === "smtps:" ? "465" : "587");
  return `${url.protocol}//${url.hostname}:${port}`;
}

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, "admin");
  const { locale } = args.context;
  const env = getEnv();
  const db = getDb();
  const testId = z.string().uuid().safeParse(new URL(args.request.url).searchParams.get("test"));
  const [identity, size, queue, state, backup, test, figures, perMinute] = await Promise.all([
    getSecretariat(db),
    databaseSize(db, { dataDir: env.isEmbedded ? env.DATA_DIR : undefined }),
    queueSummary(db),
    getQueueState(db),
    lastBackup(db),
    testId.success ? getMessageStatus(db, { id: testId.data }) : undefined,
    mailMetrics(db),
    sentPerMinute(db),
  ]);
  const zone = identity.timeZone;
  const when = (date: Date) => formatDateTimeZoned(date, locale, zone);
  const now = Date.now();
  const heartbeatSeconds = state.heartbeatAt ? (now - new Date(state.heartbeatAt).getTime()) / 1000 : null;
  const built = builtAt();
  let dkim: ReturnType<typeof dkimSettings> = null;
  let dkimError: string | null = null;
  try {
    dkim = dkimSettings(env);
  } catch (error) {
    dkimError = (error as Error).message.slice(0, 300);
  }
  const dns = dnsAdvice(env, dkim);
  return {
    email: user.email,
    submission: crypto.randomUUID(),
    version: appVersion(),
    built: built ? when(built) : null,
    database: { kind: databaseKind(), size: size === null ? null : formatBytes(size, locale) },
    mail: env.SMTP_URL ? { kind: "smtp" as const, endpoint: smtpEndpoint(env.SMTP_URL) } : { kind: "local" as const, endpoint: null },
    queue: {
      queued: queue.queued,
      sending: queue.sending,
      deferred: queue.deferred,
      oldest: queue.oldestAt ? { at: when(queue.oldestAt), ago: ago((now - queue.oldestAt.getTime()) / 1000, locale) } : null,
      paused: state.pausedAt ? (state.pauseReason ?? "") : null,
      pauseKind: state.pauseKind,
      resumeAt: state.resumeAt ? when(state.resumeAt) : null,
    },
    delivery: {
      rate: env.MAIL_RATE_PER_MINUTE,
      perDay: env.MAIL_MAX_PER_DAY,
      connections: env.MAIL_MAX_IN_FLIGHT,
      windowHours: env.MAIL_RETRY_WINDOW_HOURS,
      returnPath: env.MAIL_RETURN_PATH ?? null,
      intake: env.MAIL_INBOUND_PORT ? `${env.MAIL_INBOUND_HOST}:${env.MAIL_INBOUND_PORT}` : null,
      dkim: dkim ? `${dkim.keySelector}._domainkey.${dkim.domainName}` : null,
      dkimError,
    },
    dns,
    // the figures /metrics reports, for staff: the last hour's sending, minute by minute
    figures: {
      sentLastHour: figures.sentLastHour,
      retries: figures.retries,
      bounced: figures.byStatus.bounced ?? 0,
      failed: figures.byStatus.failed ?? 0,
      suppressed: figures.suppressed,
      perMinute,
    },
    worker: {
      ago: heartbeatSeconds === null ? null : ago(heartbeatSeconds, locale),
      stale: heartbeatSeconds === null || heartbeatSeconds > HEARTBEAT_STALE_SECONDS,
    },
    backup: backup ? { at: when(backup.at), kind: backup.kind, size: backup.bytes === null ? null : formatBytes(Number(backup.bytes), locale) } : null,
    test: test ? { id: test.id, status: test.status, to: test.to.map((a) => a.address).join(", ") } : null,
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "admin");
  const form = await readForm(args.request);
  const submission = SubmissionSchema.safeParse(form.get("submission"));
  if (form.get("intent") !== "test-email" || !submission.success) throw new Response("Bad Request", { status: 400 });
  const env = getEnv();
  const db = getDb();
  const locale = args.context.locale;
  const t = await getFixedT(locale, "emails");
  const identity = await getSecretariat(db);
  const subject = t("test.subject");
  const element = TestMessage({
    lang: htmlLang[locale],
    organisation: localized(identity.name, locale) || t("organisation"),
    subject,
    body: t("test.body"),
    letterhead: {
      logoUrl: identity.logo ? `${env.APP_URL}/logo?v=${identity.logo.version}` : null,
      address: localized(identity.address, locale) || null,
    },
  });
  const html = renderEmail(element);
  // The page's one-time id makes a double click queue one message.
  const key = `settings-test:${user.id}:${submission.data}`;
  const draft = {
    idempotencyKey: key,
    messageId: messageIdFor(key, parseMailFrom(env.MAIL_FROM).address.split("@")[1] ?? "plenary.invalid"),
    kind: "test",
    locale,
    to: [{ name: user.displayName, address: user.email }],
    subject,
    html,
    text: renderEmailText(html),
    createdBy: user.id,
    // sent even while the queue is paused: when it gets through, the pause ends (issue 16 §2)
    bypassPause: true,
  };
  // queued now (and audited with it), or already by the first click of a double click
  const message = await audited(
    db,
    async (trx) => ({ queued: await enqueueMessage(trx, draft), row: await findMessageByKey(trx, { key }) }),
    ({ queued, row }) =>
      queued && row
        ? { actor: user, action: "mail.test_sent", objectType: "email_message", objectId: row.id, ip: args.context.clientIp, details: { from: "settings" } }
        : null,
  ).then(({ row }) => row);
  if (!message) throw new Error("the test message was not queued");
  return redirect(`/settings/system?test=${message.id}`);
}

export const handle = { i18n: ["common", "invitations", "settings"], title: "settings:system.title" satisfies PageTitle };

/** Messages sent per minute over the last hour: 60 bars, scaled to the busiest minute. */
function SendChart({ perMinute, label }: { perMinute: number[]; label: string }) {
  const max = Math.max(1, ...perMinute);
  return (
    <svg className="send-chart" viewBox="0 0 240 48" role="img" aria-label={label} preserveAspectRatio="none">
      <title>{label}</title>
      <line x1="0" y1="47.5" x2="240" y2="47.5" className="axis" />
      {perMinute.map((n, i) => {
        const height = n ? Math.max(1, (n / max) * 44) : 0;
        return <rect key={i} x={i * 4 + 0.5} y={47 - height} width="3" height={height} />;
      })}
    </svg>
  );
}

export default function SystemRoute() {
  const { t } = useTranslation("settings");
  const data = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "test-email";
  return (
    <>
      <h2>{t("system.title")}</h2>
      <section className="panel" aria-labelledby="software-heading">
        <h3 id="software-heading">{t("system.software")}</h3>
        <dl className="facts">
          <dt>{t("system.version")}</dt>
          <dd>
            <code>{data.version}</code>
          </dd>
          {data.built ? (
            <>
              <dt>{t("system.built")}</dt>
              <dd>{data.built}</dd>
            </>
          ) : null}
          <dt>{t("system.database")}</dt>
          <dd>{t(`system.databaseKind.${data.database.kind}`)}</dd>
          <dt>{t("system.databaseSize")}</dt>
          <dd>{data.database.size ?? t("system.unknown")}</dd>
        </dl>
      </section>

      <section className="panel" aria-labelledby="mail-heading">
        <h3 id="mail-heading">{t("system.mail")}</h3>
        {data.queue.paused !== null ? (
          <p className="notice warning" role="alert">
            {data.queue.pauseKind === "rate"
              ? t("system.queuePausedRate", { reason: data.queue.paused, at: data.queue.resumeAt ?? "—" })
              : t("system.queuePaused", { reason: data.queue.paused })}
          </p>
        ) : null}
        {!data.worker.ago || data.worker.stale ? (
          <p className="notice warning" role="alert">
            {data.worker.ago ? t("system.heartbeatStale", { ago: data.worker.ago }) : t("system.heartbeatNever")}
          </p>
        ) : null}
        <dl className="facts">
          <dt>{t("system.transport")}</dt>
          <dd>{data.mail.kind === "smtp" ? t("system.transportSmtp", { endpoint: data.mail.endpoint }) : t("system.transportLocal")}</dd>
          <dt>{t("system.queueQueued")}</dt>
          <dd>{data.queue.queued}</dd>
          <dt>{t("system.queueSending")}</dt>
          <dd>{data.queue.sending}</dd>
          <dt>{t("system.queueDeferred")}</dt>
          <dd>{data.queue.deferred}</dd>
          <dt>{t("system.oldest")}</dt>
          <dd>{data.queue.oldest ? t("system.oldestAt", { at: data.queue.oldest.at, ago: data.queue.oldest.ago }) : t("system.oldestNone")}</dd>
          <dt>{t("system.worker")}</dt>
          <dd>{data.worker.ago ? t("system.heartbeat", { ago: data.worker.ago }) : t("system.heartbeatNone")}</dd>
          <dt>{t("system.rate")}</dt>
          <dd>
            {data.delivery.rate ? t("system.ratePerMinute", { value: data.delivery.rate }) : t("system.rateNone")}
            {data.delivery.perDay ? ` · ${t("system.ratePerDay", { value: data.delivery.perDay })}` : ""}
            {` · ${t("system.connections", { value: data.delivery.connections })}`}
          </dd>
          <dt>{t("system.retryWindow")}</dt>
          <dd>{t("system.retryHours", { value: data.delivery.windowHours })}</dd>
          <dt>{t("system.returnPath")}</dt>
          <dd>{data.delivery.returnPath ? <code>{data.delivery.returnPath.replace("@", "+…@")}</code> : t("system.returnPathNone")}</dd>
          <dt>{t("system.intake")}</dt>
          <dd>{data.delivery.intake ? t("system.intakeOn", { address: data.delivery.intake }) : t("system.intakeOff")}</dd>
          <dt>{t("system.dkim")}</dt>
          <dd>
            {data.delivery.dkimError ? (
              <span className="field-errors">{data.delivery.dkimError}</span>
            ) : data.delivery.dkim ? (
              <code>{data.delivery.dkim}</code>
            ) : (
              t("system.dkimOff")
            )}
          </dd>
        </dl>
        {data.test ? (
          <p className="notice success" role="status">
            {t("system.testQueued", { email: data.test.to })}{" "}
            <span className={`badge mail-${data.test.status}`}>{t(`invitations:status.${data.test.status}`)}</span>{" "}
            <Link to={`/mail/${data.test.id}`}>{t("system.openMessage")}</Link>
          </p>
        ) : null}
        <Form method="post" className="inline-form">
          <input type="hidden" name="submission" value={data.submission} />
          <p className="field-hint">{t("system.testHint", { email: data.email })}</p>
          <button type="submit" name="intent" value="test-email" className="button" disabled={busy}>
            {t("system.testSend")}
          </button>
        </Form>
      </section>

      <section className="panel" aria-labelledby="figures-heading">
        <h3 id="figures-heading">{t("system.figures")}</h3>
        <SendChart perMinute={data.figures.perMinute} label={t("system.chartLabel", { value: data.figures.sentLastHour })} />
        <dl className="facts">
          <dt>{t("system.sentLastHour")}</dt>
          <dd>{data.figures.sentLastHour}</dd>
          <dt>{t("system.retries")}</dt>
          <dd>{data.figures.retries}</dd>
          <dt>{t("system.undelivered")}</dt>
          <dd>{t("system.undeliveredValue", { bounced: data.figures.bounced, failed: data.figures.failed, suppressed: data.figures.suppressed })}</dd>
        </dl>
        <p className="field-hint">{t("system.metricsHint")}</p>
      </section>

      <section className="panel" aria-labelledby="dns-heading">
        <h3 id="dns-heading">{t("system.dnsTitle", { domain: data.dns.domain })}</h3>
        <p className="field-hint">{t("system.dnsHint")}</p>
        <dl className="dns-records">
          <dt>
            SPF · TXT <code>{data.dns.spf.name}</code>
          </dt>
          <dd>
            <code className="copyable">{data.dns.spf.value}</code>
            <span className="secondary-name">{t("system.spfHint")}</span>
          </dd>
          <dt>DKIM · TXT {data.dns.dkim ? <code>{data.dns.dkim.name}</code> : null}</dt>
          <dd>{data.dns.dkim ? <code className="copyable">{data.dns.dkim.value}</code> : t("system.dkimHint")}</dd>
          <dt>
            DMARC · TXT <code>{data.dns.dmarc.name}</code>
          </dt>
          <dd>
            <code className="copyable">{data.dns.dmarc.value}</code>
            <span className="secondary-name">{t("system.dmarcHint")}</span>
          </dd>
        </dl>
      </section>

      <section className="panel" aria-labelledby="backup-heading">
        <h3 id="backup-heading">{t("system.backups")}</h3>
        <dl className="facts">
          <dt>{t("system.lastBackup")}</dt>
          <dd>
            {data.backup
              ? [data.backup.at, t(`system.backupKind.${data.backup.kind}`), data.backup.size].filter(Boolean).join(" · ")
              : t("system.lastBackupNone")}
          </dd>
        </dl>
        <p className="field-hint">{t("system.downloadHint")}</p>
        <Form method="post" action="/settings/system/backup" reloadDocument>
          <button type="submit" className="button">
            {t("system.download")}
          </button>
        </Form>
      </section>
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
