// The panel's stylesheet, adopted by the shadow root (no <style>, no style attributes: a strict CSP
// needs no 'unsafe-inline'). Themed by custom properties; logical properties, so RTL pages work.
// Scoped to .panel: the launcher's button shares the shadow root.
export const PANEL_CSS = `
.panel{position:fixed;z-index:var(--omnikit-z,2147483000);inset-block-end:88px;inset-inline-end:var(--omnikit-end,20px);inset-inline-start:var(--omnikit-start,auto);
width:min(370px,calc(100vw - 40px));height:min(600px,calc(var(--omnikit-vh,100dvh) - 120px));display:flex;flex-direction:column;
background:#fff;color:#1b1f24;border-radius:var(--omnikit-radius,12px);box-shadow:0 8px 30px #0003;overflow:hidden;
font:15px/1.4 var(--omnikit-font,system-ui,-apple-system,"Segoe UI",Roboto,"PingFang TC","Noto Sans CJK TC","Microsoft JhengHei",sans-serif)}
.panel[hidden]{display:none}
@media (max-width:480px){.panel{inset:var(--omnikit-top,0) 0 auto 0;width:auto;height:var(--omnikit-vh,100dvh);border-radius:0}}
header{display:flex;align-items:center;gap:8px;padding:12px 16px;background:var(--omnikit-brand,#2454d6);color:#fff}
h2{flex:1;margin:0;font-size:17px}
.panel :is(button,input,textarea){font:inherit;color:inherit}
.panel button{cursor:pointer;border:0;border-radius:8px;padding:8px 12px;background:#eef1f5}
.panel :is(button,input,textarea,a):focus-visible{outline:3px solid var(--omnikit-brand,#2454d6);outline-offset:2px}
.panel header button{background:transparent;color:#fff;font-size:22px;line-height:1;padding:4px 10px}
.panel header button:focus-visible{outline-color:#fff}
nav{display:flex;gap:4px;padding:8px 12px;border-block-end:1px solid #e3e6ea}
.panel nav button{flex:1;background:transparent;color:#3d4550}
.panel nav button[aria-pressed=true]{background:#eef1f5;color:#1b1f24;font-weight:600}
.body{flex:1;overflow:auto;padding:12px 16px}
.log{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:8px}
.log li{max-width:85%;padding:8px 12px;border-radius:12px;background:#eef1f5;white-space:pre-wrap;overflow-wrap:anywhere}
.log li.customer{align-self:flex-end;background:var(--omnikit-brand,#2454d6);color:#fff}
.who{display:block;font-size:12px;opacity:.85}
.status{display:block;font-size:12px;font-style:italic;opacity:.85}
.refused{font-style:normal;font-weight:600;opacity:1}
.note{margin:0 0 8px;padding:8px 12px;border-radius:8px;background:#fff6d6;color:#4a3b00}
.typing{min-height:1.4em;margin:4px 0 0;font-size:13px;color:#3d4550}
form{display:flex;flex-direction:column;gap:8px;padding:12px 16px;border-block-start:1px solid #e3e6ea}
.row{display:flex;gap:8px;align-items:flex-end}
textarea{flex:1;resize:none;min-height:40px;max-height:120px;padding:8px 10px;border:1px solid #8a929c;border-radius:8px}
label{display:flex;flex-direction:column;font-size:13px;gap:2px}
input{padding:6px 8px;border:1px solid #8a929c;border-radius:6px}
.panel .send{background:var(--omnikit-brand,#2454d6);color:#fff}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.lines{list-style:none;margin:0;padding:0}
.lines li{display:flex;align-items:center;gap:8px;padding:8px 0;border-block-end:1px solid #e3e6ea}
.lines .name{flex:1}
.lines input{width:56px}
.warn{display:block;font-size:12px;color:#8a4b00}
.total{display:flex;justify-content:space-between;font-weight:600;padding-block-start:12px}
.points{margin:0 0 8px;font-weight:600}
.qr{display:block;width:220px;height:220px;margin:12px auto;background:#fff}
.link{overflow-wrap:anywhere;font-size:13px}
.store{padding-block-start:12px}
.code{margin:0;font:600 28px/1.2 ui-monospace,monospace;letter-spacing:.15em;text-align:center}
`;
export const BADGE_CSS =
  '.badge{position:absolute;inset-block-start:-4px;inset-inline-end:-4px;min-width:10px;padding:0 5px;height:20px;border-radius:10px;background:#c62828;color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center}.badge[hidden]{display:none}';
