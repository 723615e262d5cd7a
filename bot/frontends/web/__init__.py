"""The web chat: the same core as Telegram, served as a small page (and a per-procedure page).

`server` holds the HTTP handlers (tornado, which the Telegram webhook already depends on),
`sessions` the anonymous visitors, `render` the HTML (reply markup through the core's
`bot.core.markup.to_web_html`), `service` running it alone or beside Telegram.
"""
