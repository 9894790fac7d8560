// A shared page's per-visitor bits, fetched once after load (see web/pages/browse.py).
//
// The browse page is the same bytes for everyone, rendered once per snapshot; its account
// corner shows "Sign in". This asks `/fragments/viewer` who is looking: for a signed-in
// visitor it answers their account corner (which of the page's albums they collected
// rides on it as `data-collected`) and the two collection controls, carrying their CSRF
// token, which this copies into every album card. Anonymous visitors get a 204 and the
// page stays as it is. Sections swapped in later by htmx get their controls too, and an
// album added here counts as collected in them. Artists get a follow button the same way:
// the browse page's artist cards and an album page's credits (`[data-artist-id]`), "Following
// ✓" for those the fragment lists in `data-followed`.
(() => {
  "use strict";
  const placeholder = document.querySelector("nav.account[data-viewer]");
  if (!placeholder) return;
  let form = null;
  let mark = null;
  let follow = null;
  let unfollow = null;
  const collected = new Set();
  const followed = new Set();

  function control(id) {
    const template = collected.has(id) ? mark : form;
    const node = template.content.firstElementChild.cloneNode(true);
    if (node.matches(".collected")) node.dataset.collected = id;
    else node.querySelector("input[name=album_id]").value = id;
    return node;
  }

  function followControl(id) {
    const template = followed.has(id) ? unfollow : follow;
    const node = template.content.firstElementChild.cloneNode(true);
    node.querySelector("input[name=artist_id]").value = id;
    return node;
  }

  function fillFollows() {
    // What the buttons say now (one pressed since load) holds for cards swapped in later.
    for (const done of document.querySelectorAll("form.follow")) {
      const id = done.querySelector("input[name=artist_id]").value;
      if (!id) continue;
      if (done.querySelector("button[aria-pressed=true]")) followed.add(id);
      else followed.delete(id);
    }
    const places = [
      ...document.querySelectorAll("li.card.artist[data-artist-id] > .meta"),
      ...document.querySelectorAll(".album-head .artists > .artist[data-artist-id]"),
    ];
    for (const place of places) {
      if (place.querySelector(":scope > form.follow")) continue;
      const id = place.closest("[data-artist-id]").dataset.artistId;
      const node = followControl(id);
      place.append(node);
      if (window.htmx) window.htmx.process(node);
    }
  }

  function fill() {
    for (const done of document.querySelectorAll(".collected[data-collected]")) {
      if (done.dataset.collected) collected.add(done.dataset.collected);
    }
    for (const card of document.querySelectorAll("li.card.album[data-album-id]")) {
      const meta = card.querySelector(".meta");
      if (!meta || meta.querySelector(":scope > .collect, :scope > .collected")) continue;
      const node = control(card.dataset.albumId);
      meta.append(node);
      if (node.matches("form") && window.htmx) window.htmx.process(node);
    }
    fillFollows();
  }

  fetch(placeholder.dataset.viewer, { credentials: "same-origin" })
    .then((response) => (response.status === 200 ? response.text() : null))
    .then((html) => {
      if (html === null) return;
      const holder = document.createElement("template");
      holder.innerHTML = html;
      const account = holder.content.querySelector("nav.account");
      form = holder.content.querySelector("template.collect-form");
      mark = holder.content.querySelector("template.collected-mark");
      follow = holder.content.querySelector("template.follow-form");
      unfollow = holder.content.querySelector("template.unfollow-form");
      if (!account || !form || !mark || !follow || !unfollow) return;
      for (const id of (account.dataset.collected || "").split(" ")) {
        if (id) collected.add(id);
      }
      for (const id of (account.dataset.followed || "").split(" ")) {
        if (id) followed.add(id);
      }
      placeholder.replaceWith(account);
      fill();
      new MutationObserver(fill).observe(document.body, { childList: true, subtree: true });
    })
    .catch(() => {}); // offline or restarting: the page works signed out
})();
