/** HTML escaping for server-rendered pages: every interpolated value goes through `h`. */
export function h(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A complete, accessible page in the hosted style (no external assets, works without JS). */
export function page(opts: { title: string; tenantName: string; body: string; lang?: string; /** A wider card (tables: the account portal). */ wide?: boolean }): string {
  return `<!doctype html>
<html lang="${h(opts.lang ?? 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${h(opts.title)} · ${h(opts.tenantName)}</title>
<style>
  body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1d2433;margin:0}
  main{max-width:30rem;margin:8vh auto;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.08);padding:2rem}
  h1{font-size:1.4rem;margin:0 0 .25rem} .tenant{color:#5b6478;margin:0 0 1.5rem}
  label{display:block;font-weight:600;margin:1rem 0 .3rem} input[type=email],input[type=password],input[type=text],input[type=tel],input[type=date]{width:100%;box-sizing:border-box;padding:.6rem;border:1px solid #c5cad3;border-radius:6px;font:inherit}
  input:focus,button:focus{outline:3px solid #8ab4f8;outline-offset:1px}
  button{margin-top:1.5rem;padding:.65rem 1.2rem;border:0;border-radius:6px;font:inherit;font-weight:600;cursor:pointer;background:#2257d6;color:#fff}
  button.secondary{background:#e8ebf0;color:#1d2433;margin-left:.5rem}
  .error{background:#fdecea;color:#8a1c12;border-radius:6px;padding:.6rem .8rem} ul{padding-left:1.2rem} .muted{color:#5b6478;font-size:.9rem}
  .check{display:flex;gap:.5rem;align-items:center;margin-top:1rem;font-weight:400}
  hr{border:0;border-top:1px solid #e3e6eb;margin:1.5rem 0} .or{color:#5b6478;text-align:center;font-size:.9rem;margin:1rem 0 0}
  button.link{background:none;color:#2257d6;padding:0;margin-top:.75rem;font-weight:400;text-decoration:underline}
  .codes{font-family:ui-monospace,monospace;columns:2;list-style:none;padding:0} .qr img{width:12rem;height:12rem}
  .notice{background:#eef4ff;border-radius:6px;padding:.6rem .8rem} a{color:#2257d6} nav.links{margin-top:1.25rem;display:flex;gap:1rem;flex-wrap:wrap;font-size:.95rem}
  table{border-collapse:collapse;width:100%} td,th{text-align:left;padding:.35rem .25rem;border-bottom:1px solid #eef0f3;font-size:.95rem}
  main.wide{max-width:48rem} h2{font-size:1.1rem;margin:1.5rem 0 .5rem} td form{margin:0} td button{margin:0;padding:.35rem .75rem;font-size:.9rem} td ul{margin:0}
  nav.account{margin:0 0 1.25rem;align-items:center} nav.account form{margin:0 0 0 auto} nav.account button.link{margin:0} nav.account a[aria-current]{font-weight:600;text-decoration:none;color:#1d2433}
</style>
</head>
<body><main${opts.wide ? ' class="wide"' : ''}>
<h1>${h(opts.title)}</h1>
<p class="tenant">${h(opts.tenantName)}</p>
${opts.body}
</main></body></html>`;
}
