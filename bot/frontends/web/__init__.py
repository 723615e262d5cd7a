"""The web chat: the same core as Telegram, served as a small page (and a per-procedure page).

`server` holds the HTTP handlers (tornado, which the Telegram webhook already depends on),
`sessions` the anonymous visitors, `render` the HTML, `markup` the reply text as web HTML.
"""
