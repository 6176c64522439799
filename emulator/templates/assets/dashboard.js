// The dashboard's only script: the live journal (server-sent events), a check of the fault
// plan's JSON as it is typed, and the load chart's refresh. Everything else is plain HTML.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const calls = document.querySelector("#calls[data-events]");
  if (calls) {
    const live = document.getElementById("live");
    const source = new EventSource(calls.dataset.events);
    source.addEventListener("call", (event) => {
      // Rows are rendered (and escaped) by the server.
      calls.insertAdjacentHTML("afterbegin", event.data);
      const row = calls.firstElementChild;
      if (row) row.classList.add("new");
      const total = document.getElementById("total");
      if (total) total.textContent = String(Number(total.textContent) + 1);
      while (calls.children.length > 200) calls.lastElementChild.remove();
    });
    source.addEventListener("open", () => { live.textContent = "live"; live.className = ""; });
    source.addEventListener("error", () => { live.textContent = "reconnecting"; live.className = "down"; });
  }

  const plan = document.getElementById("plan");
  if (plan) {
    const check = document.getElementById("plan-check");
    const apply = document.getElementById("apply-plan");
    const verify = () => {
      try {
        const value = JSON.parse(plan.value);
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
          throw new Error("a fault plan is a JSON object keyed by action name");
        }
        check.textContent = "valid JSON; the emulator checks the steps when it is applied";
        check.className = "muted";
        apply.disabled = false;
      } catch (e) {
        check.textContent = "not applied: " + e.message;
        check.className = "bad";
        apply.disabled = true;
      }
    };
    plan.addEventListener("input", verify);
  }

  const chart = document.querySelector("#chart[data-refresh]");
  if (chart) {
    setInterval(async () => {
      try {
        const answer = await fetch(chart.dataset.refresh, { cache: "no-store" });
        if (answer.ok) chart.innerHTML = await answer.text();
      } catch (_) { /* the emulator stopped; keep the last chart */ }
    }, 2000);
  }
});
