/* Type-ahead pickers: an input inside [data-picker] becomes a WAI-ARIA 1.2 combobox with a
   listbox of the first matches from the REST search (`q`), never a full list in the page.
   Form mode (default): the server renders a plain input carrying the chosen id (or code);
   it becomes hidden and a text combobox (posted as NAME_search) takes its place and label. Search mode
   (data-picker-mode="search"): the input is the combobox; choosing a match puts its id in
   a hidden input named data-picker-name and submits the form. */
(function () {
  "use strict";

  var LIMIT = 10;
  var SOURCES = {
    people: {
      url: "/api/v1/people",
      label: function (p) { return p.title ? p.name + " — " + p.title : p.name; },
    },
    kpis: { url: "/api/v1/kpis", label: function (k) { return k.code + " — " + k.name; } },
    initiatives: {
      url: "/api/v1/initiatives",
      label: function (i) { return i.code + " — " + i.title; },
    },
  };
  var counter = 0;

  // Words in the page's language, from data-text-* on <body> (see base.html).
  function text(name) {
    return document.body.getAttribute("data-text-" + name) || "";
  }

  function Picker(box) {
    var kind = box.getAttribute("data-picker");
    this.source = SOURCES[kind];
    this.params = box.getAttribute("data-picker-params") || "";
    this.key = box.getAttribute("data-picker-value") || "id";
    this.search = box.getAttribute("data-picker-mode") === "search";
    var original = box.querySelector("input");
    var fieldId = original.id;
    counter += 1;
    if (this.search) {
      this.input = original;
      this.value = document.createElement("input");
      this.value.type = "hidden";
      this.value.name = box.getAttribute("data-picker-name");
      original.form.appendChild(this.value);
    } else {
      this.value = original;
      this.input = document.createElement("input");
      this.input.type = "text";
      this.input.value = original.getAttribute("data-picker-label") || original.value;
      ["aria-describedby", "aria-invalid", "placeholder"].forEach(function (name) {
        if (original.hasAttribute(name)) { this.input.setAttribute(name, original.getAttribute(name)); }
      }, this);
      if (original.required) { this.input.setAttribute("aria-required", "true"); }
      original.removeAttribute("aria-describedby");
      original.removeAttribute("aria-invalid");
      original.id = fieldId + "-value";
      original.type = "hidden";
      this.input.id = fieldId;
      if (original.form && original.form.method === "post") {
        this.input.name = original.name + "_search";  // lets the server tell typed from chosen
      }
      original.parentNode.insertBefore(this.input, original);
      var fallback = box.querySelector("[data-picker-fallback]");
      if (fallback) { fallback.hidden = true; }
    }
    this.chosen = this.input.value;
    this.list = document.createElement("ul");
    this.list.id = "picker-list-" + counter;
    this.list.className = "picker-list";
    this.list.setAttribute("role", "listbox");
    var label = box.querySelector("label");
    this.list.setAttribute("aria-label", label ? label.textContent.replace(/\s*\*\s*$/, "").trim() : kind);
    this.list.hidden = true;
    this.status = document.createElement("p");
    this.status.className = "sr-only";
    this.status.setAttribute("role", "status");
    this.input.insertAdjacentElement("afterend", this.list);
    this.list.insertAdjacentElement("afterend", this.status);
    this.input.setAttribute("role", "combobox");
    this.input.setAttribute("aria-autocomplete", "list");
    this.input.setAttribute("aria-expanded", "false");
    this.input.setAttribute("aria-controls", this.list.id);
    this.input.setAttribute("autocomplete", "off");
    this.items = [];
    this.active = -1;
    this.asked = 0;
    this.timer = null;
    this.input.addEventListener("input", this.typed.bind(this));
    this.input.addEventListener("keydown", this.keyDown.bind(this));
    this.input.addEventListener("blur", this.close.bind(this));
    this.list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.list.addEventListener("click", this.clicked.bind(this));
  }

  Picker.prototype.typed = function () {
    if (!this.search) { this.value.value = ""; }
    clearTimeout(this.timer);
    var text = this.input.value.trim();
    if (!text) { this.close(); return; }
    this.timer = setTimeout(this.fetch.bind(this, text), 150);
  };

  Picker.prototype.fetch = function (text) {
    var asked = ++this.asked;
    var url = this.source.url + "?limit=" + LIMIT + "&q=" + encodeURIComponent(text) +
      (this.params ? "&" + this.params : "");
    var self = this;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (page) { if (asked === self.asked) { self.show(page.items || []); } })
      .catch(function () { if (asked === self.asked) { self.show([]); } });
  };

  Picker.prototype.show = function (items) {
    var self = this;
    this.items = items;
    this.active = -1;
    this.list.textContent = "";
    items.forEach(function (item, index) {
      var option = document.createElement("li");
      option.id = self.list.id + "-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-index", String(index));
      option.textContent = self.source.label(item);
      self.list.appendChild(option);
    });
    if (!items.length) {
      var none = document.createElement("li");
      none.className = "picker-none";
      none.textContent = text("no-match");
      this.list.appendChild(none);
    }
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.input.removeAttribute("aria-activedescendant");
    this.status.textContent = !items.length ? text("no-match") : items.length === 1 ?
      text("one-suggestion") : text("suggestions").replace("{count}", String(items.length));
  };

  Picker.prototype.close = function () {
    clearTimeout(this.timer);
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.move = function (step) {
    if (!this.items.length) { return; }
    var count = this.items.length;
    this.active = this.active < 0 ? (step > 0 ? 0 : count - 1) : (this.active + step + count) % count;
    var self = this;
    this.list.querySelectorAll("[role=option]").forEach(function (option, index) {
      option.setAttribute("aria-selected", index === self.active ? "true" : "false");
    });
    var current = document.getElementById(this.list.id + "-" + this.active);
    this.input.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  };

  Picker.prototype.choose = function (index) {
    var item = this.items[index];
    if (!item) { return; }
    this.value.value = String(item[this.key]);
    this.input.value = this.source.label(item);
    this.chosen = this.input.value;
    this.close();
    this.value.dispatchEvent(new Event("change", { bubbles: true }));
    if (this.search) { this.input.form.submit(); }
  };

  Picker.prototype.keyDown = function (event) {
    var open = !this.list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) {
        if (this.input.value.trim()) { this.fetch(this.input.value.trim()); }
        return;
      }
      this.move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && open && this.active >= 0) {
      event.preventDefault();
      this.choose(this.active);
    } else if (event.key === "Escape") {
      if (open) {
        event.preventDefault();
        event.stopPropagation();
        this.close();
      } else if (!this.search) {
        this.input.value = "";
        this.value.value = "";
      }
    }
  };

  Picker.prototype.clicked = function (event) {
    var option = event.target.closest("[role=option]");
    if (option) { this.choose(parseInt(option.getAttribute("data-index"), 10)); }
  };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picker]").forEach(function (box) {
      if (SOURCES[box.getAttribute("data-picker")] && box.querySelector("input")) { new Picker(box); }
    });
  });
}());
