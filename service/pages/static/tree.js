/* The org page's tree: each person's "reports" link becomes a disclosure button that
   fetches their direct reports (/org/branch/ID, an HTML fragment) the first time it opens
   them, then shows and hides them in place. Without JavaScript the links open the page
   down to the person. */
(function () {
  "use strict";

  function toButton(link) {
    var button = document.createElement("button");
    var id = link.getAttribute("data-branch");
    var expanded = link.getAttribute("data-expanded") === "true";
    button.type = "button";
    button.className = "branch-toggle";
    button.setAttribute("data-branch", id);
    button.setAttribute("data-href", link.getAttribute("href"));
    button.setAttribute("aria-label", link.getAttribute("aria-label"));
    button.setAttribute("aria-expanded", expanded ? "true" : "false");
    if (expanded) { button.setAttribute("aria-controls", "reports-" + id); }
    button.innerHTML = link.innerHTML;
    link.parentNode.replaceChild(button, link);
  }

  function enhance(root) {
    root.querySelectorAll("a.branch-toggle[data-branch]").forEach(toButton);
  }

  function load(button, item) {
    var id = button.getAttribute("data-branch");
    button.setAttribute("aria-busy", "true");
    button.disabled = true;
    return fetch("/org/branch/" + id, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        var list = holder.content.querySelector("ul");
        list.id = "reports-" + id;
        item.appendChild(list);
        enhance(list);
        button.setAttribute("aria-controls", list.id);
        button.setAttribute("aria-expanded", "true");
      })
      .catch(function () { window.location.href = button.getAttribute("data-href"); })
      .then(function () {
        button.removeAttribute("aria-busy");
        button.disabled = false;
      });
  }

  function toggle(event) {
    var button = event.target.closest("button.branch-toggle");
    if (!button) { return; }
    var item = button.closest("li");
    var list = document.getElementById("reports-" + button.getAttribute("data-branch"));
    if (!list) { load(button, item); return; }
    var open = button.getAttribute("aria-expanded") !== "true";
    list.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var tree = document.querySelector("[data-tree]");
    if (!tree) { return; }
    enhance(tree);
    tree.addEventListener("click", toggle);
  });
}());
