/* services/alerting/channel_mail.h — the e-mail channel's fields and message (pure).
 *
 * The rows of channel.c's kind table call these for kind "email": the fields
 * of its POST body (smtp, from, to, username, secret, allow_plaintext), its
 * stored and shown forms, and the message an alert, a digest or a test is
 * sent as: an envelope and an RFC 5322 message whose subject is the title
 * (RFC 2047) and whose body is the same text the robots show (UTF-8, base64).
 */
#ifndef NQ_ALERTING_CHANNEL_MAIL_H
#define NQ_ALERTING_CHANNEL_MAIL_H

#include "channel.h"

/* The title and markdown text every kind shows (channel.c). 0 or -1; free *md. */
int channel_render(const channel_msg_t *m, char *title, size_t tlen, char **md);

/* The e-mail fields of body into ch; reasons into errs. */
void channel_mail_parse(const json_t *body, channel_t *ch, nq_field_errors_t *errs);
/* Its fields beyond the common ones, into the stored form o / read back from j. */
void channel_mail_store(const channel_t *ch, json_t *o);
int channel_mail_load(const json_t *j, channel_t *ch);
/* Its fields as the API shows them, into o. */
void channel_mail_show(const channel_t *ch, json_t *o);
/* The envelope and message of m. */
int channel_mail_build(const channel_t *ch, const channel_msg_t *m, int64_t now_ms,
                       channel_req_t *out);

#endif
