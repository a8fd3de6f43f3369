/* ficlens web app: upload with progress, delete without a page load. Hand-written.
   Messages from the server are shown with textContent only. */
(function () {
  "use strict";
  var form = document.getElementById("upload");
  var job = document.getElementById("job");
  var jobText = document.getElementById("job-text");
  var bar = document.getElementById("job-progress");
  var errorBox = document.getElementById("form-error");
  var submit = document.getElementById("submit");

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    job.hidden = true;
    submit.disabled = false;
  }
  function readJson(response) {
    return response.json().catch(function () {
      return { ok: false, error: "the server answered " + response.status, status: response.status };
    });
  }
  function poll(url, reportUrl) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(readJson)
      .then(function (data) {
        if (!data.ok) {
          showError(data.error || "the analysis could not be found");
          return;
        }
        bar.value = data.progress || 0;
        if (data.status === "done") {
          jobText.textContent = "Done. Opening the report…";
          window.location.assign(reportUrl);
        } else if (data.status === "failed") {
          showError("The analysis failed: " + (data.error || "unknown error"));
        } else {
          jobText.textContent = (data.status === "queued" ? "Waiting to start" : "Analysing") +
            (data.stage ? ": " + data.stage : "") + " (" + Math.round((data.progress || 0) * 100) + "%)";
          window.setTimeout(function () {
            poll(url, reportUrl);
          }, 600);
        }
      })
      .catch(function () {
        showError("Lost contact with the server.");
      });
  }

  if (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      errorBox.hidden = true;
      submit.disabled = true;
      job.hidden = false;
      bar.value = 0;
      jobText.textContent = "Uploading…";
      fetch("/analyses", {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (response) {
          return readJson(response).then(function (data) {
            if (response.status !== 202 || !data.id) {
              showError(data.error || "the upload failed (" + response.status + ")");
              return;
            }
            jobText.textContent = "Queued.";
            poll(data.links.self, data.links.report);
          });
        })
        .catch(function () {
          showError("Could not reach the server.");
        });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.delete"), function (f) {
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = f.querySelector("button");
      var id = button.getAttribute("data-id");
      fetch("/analyses/" + encodeURIComponent(id), {
        method: "DELETE",
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(readJson)
        .then(function (data) {
          if (data.ok) {
            var row = f.closest("tr");
            if (row) {
              row.parentNode.removeChild(row);
            }
          } else {
            var note = document.createElement("p");
            note.className = "error";
            note.setAttribute("role", "alert");
            note.textContent = data.error || "could not delete";
            f.appendChild(note);
          }
        });
    });
  });
})();
