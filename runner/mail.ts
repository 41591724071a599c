import { eq } from 'drizzle-orm';
import { createTransport, type Transporter } from 'nodemailer';
import type { Database } from '../db/client.ts';
import { emailOutbox, type EmailMessage } from '../db/schema/index.ts';
import type { Config } from './config.ts';

export type MailMessage = { to: string; subject: string; text: string; html?: string | undefined };
export type Mailer = ReturnType<typeof createMailer>;

/**
 * Outgoing mail. Every message is written to `email_outbox` first, so it is never lost and the
 * admin pages can show it; with SMTP_URL it is then delivered and stamped `sent_at` (or its error
 * kept). Without SMTP_URL it stays unsent in the outbox. `send` never throws for a delivery failure:
 * a mail relay being down must not fail the work that wanted to send mail.
 */
export function createMailer(config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM'>, database: Database) {
  const db = database.db;
  let transport: Transporter | null = null;
  const smtp = () => {
    // Short timeouts: the sender is a job holding a worker slot, not a user who can wait minutes.
    transport ??= createTransport({ url: config.SMTP_URL, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 }, { from: config.MAIL_FROM });
    return transport;
  };

  async function deliver(row: EmailMessage): Promise<EmailMessage> {
    try {
      await smtp().sendMail({ to: row.to, subject: row.subject, text: row.text, ...(row.html ? { html: row.html } : {}) });
      const [sent] = await db.update(emailOutbox).set({ sentAt: new Date(), error: null }).where(eq(emailOutbox.id, row.id)).returning();
      return sent!;
    } catch (err) {
      const message = redact(err instanceof Error ? err.message : String(err), config.SMTP_URL);
      const [failed] = await db.update(emailOutbox).set({ error: message.slice(0, 1000) }).where(eq(emailOutbox.id, row.id)).returning();
      return failed!;
    }
  }

  return {
    async send(accountId: number, msg: MailMessage): Promise<EmailMessage> {
      const [row] = await db.insert(emailOutbox)
        .values({ accountId, to: msg.to, subject: msg.subject, text: msg.text, html: msg.html ?? null })
        .returning();
      return config.SMTP_URL ? deliver(row!) : row!;
    },
  };
}

/** Relay errors may echo the URL; its user and password must not reach the outbox or a log. */
function redact(message: string, smtpUrl: string | undefined): string {
  if (!smtpUrl) return message;
  let out = message.split(smtpUrl).join('smtp://***');
  const url = new URL(smtpUrl);
  for (const secret of [url.password, decodeURIComponent(url.password), url.username, decodeURIComponent(url.username)]) {
    if (secret.length >= 3) out = out.split(secret).join('***');
  }
  return out;
}
