/**
 * A stylesheet that keeps `--omnikit-vh` / `--omnikit-top` on the visual viewport, so the full-screen
 * panel of a phone stays above the on-screen keyboard (iOS shrinks the visual viewport, not the layout
 * one). A stylesheet, not an inline style: a strict CSP allows it.
 */
export function followViewport(): CSSStyleSheet {
  const sheet = new CSSStyleSheet();
  const vv = window.visualViewport;
  const update = () => {
    if (vv) sheet.replaceSync(`:host{--omnikit-vh:${vv.height}px;--omnikit-top:${vv.offsetTop}px}`);
  };
  vv?.addEventListener('resize', update);
  vv?.addEventListener('scroll', update);
  update();
  return sheet;
}
