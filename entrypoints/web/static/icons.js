// A few line icons, built as SVG elements (no inline markup strings, no external files to fetch).
const NS = "http://www.w3.org/2000/svg";

const PATHS = {
  edit: ["M4 20h4L19 9l-4-4L4 16v4z", "M14 6l4 4"],
  trash: ["M4 7h16", "M9 7V4h6v3", "M6 7l1 13h10l1-13", "M10 11v6", "M14 11v6"],
  plus: ["M12 5v14", "M5 12h14"],
  check: ["M5 12l5 5L20 7"],
  close: ["M6 6l12 12", "M18 6L6 18"],
  repeat: ["M17 2l4 4-4 4", "M3 11V9a3 3 0 0 1 3-3h15", "M7 22l-4-4 4-4", "M21 13v2a3 3 0 0 1-3 3H3"],
};

export function icon(name) {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  for (const d of PATHS[name] || []) {
    const path = document.createElementNS(NS, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}
