/* cme: small progressive enhancements. Every page works without this script. */
(function () {
  "use strict";
  document.documentElement.className += " cme-js";

  /* Sortable tables: headers become buttons; rows sort by each cell's data-sort or text. */
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var v = cell.getAttribute("data-sort");
    return v !== null ? v : cell.textContent.trim();
  }
  function compare(a, b) {
    var na = Number(a), nb = Number(b);
    if (a !== "" && b !== "" && !isNaN(na) && !isNaN(nb)) return na - nb;
    return a.localeCompare(b, "en-GB", { numeric: true, sensitivity: "base" });
  }
  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      if (!th.hasAttribute("aria-sort")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cme-sort-button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) {
          if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var c = compare(cellValue(r1, index), cellValue(r2, index));
          return ascending ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), makeSortable);

  /* Search, from the prebuilt index in assets/search-index.js (no server). */
  var input = document.querySelector("[data-search-input]");
  var results = document.querySelector("[data-search-results]");
  if (!input || !results || !window.CME_SEARCH) return;
  function render(q) {
    results.textContent = "";
    q = q.trim().toLowerCase();
    if (!q) return;
    var words = q.split(/\s+/);
    var hits = window.CME_SEARCH.filter(function (row) {
      var text = row.join(" ").toLowerCase();
      return words.every(function (w) { return text.indexOf(w) !== -1; });
    });
    var p = document.createElement("p");
    p.textContent = hits.length + (hits.length === 1 ? " case found" : " cases found") + (hits.length > 100 ? "; the first 100 are shown." : ".");
    results.appendChild(p);
    if (!hits.length) return;
    var table = document.createElement("table");
    table.className = "cme-table";
    var head = table.createTHead().insertRow();
    ["Case", "Child", "UPN", "Last school", "Status"].forEach(function (h) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = h;
      head.appendChild(th);
    });
    var body = table.createTBody();
    hits.slice(0, 100).forEach(function (row) {
      var tr = body.insertRow();
      var link = document.createElement("a");
      link.href = "cases/" + encodeURIComponent(row[0]) + ".html";
      link.textContent = row[0];
      tr.insertCell().appendChild(link);
      for (var i = 1; i < row.length; i++) tr.insertCell().textContent = row[i];
    });
    results.appendChild(table);
  }
  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  render(input.value);
  input.addEventListener("input", function () { render(input.value); });
})();
