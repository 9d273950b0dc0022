"""Measured from the rendered page: text sizes, line heights, contrast, control heights and tap targets.

Each check runs in the page and returns what falls short, as short strings that name the element, so a
failing test says where to look. Hidden elements, and the text of pictures (SVG), are left out.
"""

from playwright.sync_api import Page

# Shared by the checks: whether an element is seen, a short name for it, its text's contrast on what
# is behind it (the first ancestor with a background colour, white at the top).
COMMON_JS = """
const seen = (el) => {
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none'
    && !el.closest('svg, [hidden], .visually-hidden, [aria-hidden=true]') && style.opacity !== '0';
};
const name = (el) => {
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ');
  return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string'
    ? '.' + el.className.trim().split(/\\s+/).join('.') : ''}> ${text.slice(0, 24)}`;
};
const rgba = (value) => {
  const m = value.match(/rgba?\\(([^)]+)\\)/);
  if (!m) return [0, 0, 0, 0];
  const parts = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
  return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
};
const luminance = ([r, g, b]) => {
  const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
};
const behind = (el) => {
  const layers = [];
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    const colour = rgba(getComputedStyle(node).backgroundColor);
    if (colour[3] > 0) layers.push(colour);
    if (colour[3] >= 1) break;
  }
  let colour = [255, 255, 255];
  for (const [r, g, b, a] of layers.reverse()) colour = [r, g, b].map((c, i) => c * a + colour[i] * (1 - a));
  return colour;
};
const contrast = (el) => {
  const back = behind(el);
  const [r, g, b, a] = rgba(getComputedStyle(el).color);
  const fore = [r * a + back[0] * (1 - a), g * a + back[1] * (1 - a), b * a + back[2] * (1 - a)];
  const [hi, lo] = [luminance(fore), luminance(back)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};
const ownText = (el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
"""

ELDER_JS = (
    "(limits) => {"
    + COMMON_JS
    + """
  const problems = [];
  const px = (value) => parseFloat(value);
  const body = getComputedStyle(document.body);
  if (px(body.fontSize) < limits.body) problems.push(`body text ${body.fontSize}`);
  for (const el of document.querySelectorAll('body *')) {
    if (!seen(el)) continue;
    const style = getComputedStyle(el);
    const size = px(style.fontSize);
    if (ownText(el)) {
      if (size < limits.smallest) problems.push(`text ${style.fontSize}: ${name(el)}`);
      const line = style.lineHeight === 'normal' ? 1.2 : px(style.lineHeight) / size;
      if (line < limits.line - 0.01) problems.push(`line height ${line.toFixed(2)}: ${name(el)}`);
      const ratio = contrast(el);
      if (ratio < limits.contrast) problems.push(`contrast ${ratio.toFixed(2)}: ${name(el)}`);
    }
    if (/^H[1-3]$/.test(el.tagName) && size < limits.heading) problems.push(`heading ${style.fontSize}: ${name(el)}`);
    if (el.tagName === 'P' && !el.closest('.hint, .muted, .tag, .notice, .suggest') && !el.className && ownText(el)
        && el.closest('main') && size < limits.body) problems.push(`paragraph ${style.fontSize}: ${name(el)}`);
    if (el.matches(limits.controls) && el.getBoundingClientRect().height < limits.control - 0.5) {
      problems.push(`control ${Math.round(el.getBoundingClientRect().height)} px tall: ${name(el)}`);
    }
  }
  return problems;
}"""
)

TAPS_JS = (
    "(limits) => {"
    + COMMON_JS
    + """
  const problems = [];
  for (const el of document.querySelectorAll(limits.targets)) {
    if (!seen(el) || el.closest('p, li, td, dd, .inline-links') && getComputedStyle(el).display === 'inline') continue;
    const box = el.getBoundingClientRect();
    if (box.width < limits.tap - 0.5 || box.height < limits.tap - 0.5) {
      problems.push(`${Math.round(box.width)}×${Math.round(box.height)}: ${name(el)}`);
    }
  }
  return problems;
}"""
)

CONTROLS = (
    "button, a.btn, select, textarea, summary, input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
    ":not([type=file]), label.check-line, label.check-choice"
)
ELDER_LIMITS = {
    "body": 22,
    "smallest": 18,
    "heading": 28,
    "line": 1.5,
    "contrast": 7,
    "control": 60,
    "controls": CONTROLS,
}
# Tap targets of the standard mode: buttons, button-styled links and links that stand alone (a link
# inside a sentence, a list item or a table cell is read as text: WCAG 2.5.8's inline exception).
TAP_LIMITS = {
    "tap": 44,
    "targets": "button, a.btn, .topbar a, select, summary, input[type=submit], a.back, h2 > a, h3 > a",
}


def elder_shortfalls(page: Page) -> list[str]:
    return page.evaluate(ELDER_JS, ELDER_LIMITS)


def small_targets(page: Page) -> list[str]:
    return page.evaluate(TAPS_JS, TAP_LIMITS)
