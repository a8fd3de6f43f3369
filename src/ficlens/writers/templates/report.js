/* ficlens report: hand-written, inlined into the page. Reads data only with JSON.parse and
   writes story strings only through textContent, never as markup. */
(function () {
  "use strict";
  var data = {};
  try {
    var block = document.getElementById("data");
    data = JSON.parse((block && block.textContent) || "{}") || {};
  } catch (err) {
    data = {};
  }
  var characters = data.characters || {};
  var story = document.getElementById("story");
  var tip = document.getElementById("tip");
  var statusLine = document.getElementById("char-status");
  var nextButton = document.getElementById("next-line");
  if (!story) {
    return;
  }

  function each(list, fn) {
    Array.prototype.forEach.call(list, fn);
  }

  /* -- tooltips: hover or focus a quotation or a thought ------------------------------- */
  function spanOf(node) {
    return node && node.closest ? node.closest(".q, .thought") : null;
  }
  function descriptionOf(el) {
    var key = el.getAttribute("data-qid") || el.getAttribute("data-tid");
    var desc = key ? document.getElementById("d-" + key) : null;
    return desc ? desc.textContent : "";
  }
  function showTip(el) {
    var text = descriptionOf(el);
    if (!tip || !text) {
      return;
    }
    tip.textContent = text;
    tip.hidden = false;
    var rect = el.getBoundingClientRect();
    var width = tip.offsetWidth;
    var left = Math.max(8, Math.min(rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
    var top = rect.bottom + window.scrollY + 6;
    if (rect.bottom + tip.offsetHeight + 12 > window.innerHeight && rect.top > tip.offsetHeight + 12) {
      top = rect.top + window.scrollY - tip.offsetHeight - 6;
    }
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }
  function hideTip() {
    if (tip) {
      tip.hidden = true;
    }
  }
  story.addEventListener("mouseover", function (e) {
    var el = spanOf(e.target);
    if (el) {
      showTip(el);
    }
  });
  story.addEventListener("mouseout", function (e) {
    if (spanOf(e.target) && !spanOf(e.relatedTarget)) {
      hideTip();
    }
  });
  story.addEventListener("focusin", function (e) {
    var el = spanOf(e.target);
    if (el) {
      showTip(el);
    } else {
      hideTip();
    }
  });
  story.addEventListener("focusout", hideTip);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      hideTip();
    }
  });

  /* -- characters: clicking one highlights their lines ---------------------------------- */
  var active = null;
  var lines = [];
  var lineIndex = -1;

  function speakerLines(id) {
    return Array.prototype.filter.call(story.querySelectorAll(".q[data-speaker]"), function (el) {
      return el.getAttribute("data-speaker") === id;
    });
  }
  function select(id) {
    active = active === id ? null : id;
    each(story.querySelectorAll(".q.hl"), function (el) {
      el.classList.remove("hl");
    });
    story.classList.toggle("focus-mode", active !== null);
    each(document.querySelectorAll(".char-btn"), function (btn) {
      btn.setAttribute("aria-pressed", btn.getAttribute("data-char") === active ? "true" : "false");
    });
    each(document.querySelectorAll(".network .node"), function (node) {
      node.classList.toggle("sel", node.getAttribute("data-char") === active);
    });
    lines = [];
    lineIndex = -1;
    if (active !== null) {
      lines = speakerLines(active);
      lines.forEach(function (el) {
        el.classList.add("hl");
      });
    }
    var heads = lines.filter(function (el) {
      return el.hasAttribute("tabindex");
    });
    lines = heads;
    if (statusLine) {
      var who = (characters[active] && characters[active].name) || "";
      statusLine.textContent = active === null ? "" : who + ": " + heads.length + " quotation" + (heads.length === 1 ? "" : "s") + " highlighted.";
    }
    if (nextButton) {
      nextButton.hidden = heads.length === 0;
    }
  }
  each(document.querySelectorAll(".char-btn"), function (btn) {
    btn.addEventListener("click", function () {
      select(btn.getAttribute("data-char"));
    });
  });
  each(document.querySelectorAll("[data-char].node, [data-char].bar-row, [data-char].seg"), function (el) {
    el.addEventListener("click", function () {
      select(el.getAttribute("data-char"));
    });
  });
  if (nextButton) {
    nextButton.addEventListener("click", function () {
      if (!lines.length) {
        return;
      }
      lineIndex = (lineIndex + 1) % lines.length;
      var el = lines[lineIndex];
      el.scrollIntoView({ block: "center" });
      el.focus({ preventScroll: true });
    });
  }

  /* -- evidence: links to spans and tag buttons ----------------------------------------- */
  function spanMarks(key) {
    return Array.prototype.filter.call(story.querySelectorAll("mark.ev"), function (el) {
      return el.getAttribute("data-span") === key;
    });
  }
  function reveal(el) {
    var marks = el.classList.contains("ev") ? spanMarks(el.getAttribute("data-span")) : [el];
    marks.forEach(function (m) {
      m.classList.add("flash");
    });
    window.setTimeout(function () {
      marks.forEach(function (m) {
        m.classList.remove("flash");
      });
    }, 2500);
    if (!el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "-1");
    }
    el.focus({ preventScroll: true });
  }
  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest('a[href^="#"]') : null;
    if (!link) {
      return;
    }
    var id;
    try {
      id = decodeURIComponent(link.getAttribute("href").slice(1));
    } catch (err) {
      return;
    }
    var el = id ? document.getElementById(id) : null;
    if (el && story.contains(el)) {
      window.setTimeout(function () {
        reveal(el);
      }, 0);
    }
  });
  each(document.querySelectorAll(".tag-btn"), function (btn) {
    btn.addEventListener("click", function () {
      var on = btn.getAttribute("aria-pressed") !== "true";
      each(document.querySelectorAll(".tag-btn"), function (other) {
        other.setAttribute("aria-pressed", "false");
      });
      each(story.querySelectorAll("mark.ev.on"), function (m) {
        m.classList.remove("on");
      });
      if (!on) {
        return;
      }
      btn.setAttribute("aria-pressed", "true");
      var keys = (btn.getAttribute("data-spans") || "").split(" ").filter(Boolean);
      var first = null;
      keys.forEach(function (key) {
        spanMarks(key).forEach(function (m) {
          m.classList.add("on");
          first = first || m;
        });
      });
      if (first) {
        first.scrollIntoView({ block: "center" });
      }
    });
  });

  /* -- canon marks, printing ----------------------------------------------------------- */
  var canonToggle = document.getElementById("canon-toggle");
  if (canonToggle) {
    canonToggle.addEventListener("change", function () {
      story.classList.toggle("canon-on", canonToggle.checked);
    });
  }
  window.addEventListener("beforeprint", function () {
    each(document.querySelectorAll("details"), function (d) {
      d.open = true;
    });
    hideTip();
  });
})();
