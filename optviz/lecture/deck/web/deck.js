// optviz's lecture deck on reveal.js: each beat's clip plays with its narration once, from the start,
// when its slide is shown and holds its last frame; a looping slide replays (silent after the first
// time) and, asked to advance (key, clicker, arrow or swipe), finishes the loop first; the live slide's page forwards the clicker's
// keys to the deck. reveal.js's own media autoplay is not used, so nothing else starts or stops a clip.
(function () {
  "use strict";
  const state = { finishing: null };
  window.optvizDeck = state;

  function clipOf(slide) { return slide ? slide.querySelector("video.clip") : null; }

  function start(slide) {
    document.querySelectorAll("video.clip").forEach((v) => { if (clipOf(slide) !== v) v.pause(); });
    state.finishing = null;
    const v = clipOf(slide);
    if (!v) return;
    v.muted = false;
    v.currentTime = 0;
    const played = v.play();
    if (played && played.catch) {
      // a browser that has not seen a click yet refuses sound: say so rather than stay still
      played.catch(() => { slide.classList.add("needs-click"); });
    }
  }

  function advance() {
    const slide = Reveal.getCurrentSlide();
    const v = clipOf(slide);
    if (slide && slide.hasAttribute("data-loop") && v && !v.paused && !v.ended) {
      state.finishing = slide;            // the loop ends first; then the deck moves on (see "ended")
      slide.classList.add("finishing");
      return;
    }
    Reveal.next();
  }
  state.advance = advance;

  function ended(event) {
    const v = event.target;
    const slide = v.closest("section");
    if (slide !== Reveal.getCurrentSlide()) return;
    if (state.finishing === slide) {
      state.finishing = null;
      slide.classList.remove("finishing");
      Reveal.next();
    } else if (slide.hasAttribute("data-loop")) {
      v.muted = true;                     // the narration was heard once; the motion repeats
      v.currentTime = 0;
      v.play();
    }
  }

  function forwardKeys(frame) {
    // the live page takes the arrows for its sliders; a clicker's page keys still drive the deck, and
    // Escape gives the keyboard back to it
    const doc = frame.contentDocument;
    if (!doc) return;
    doc.addEventListener("keydown", (e) => {
      if (e.key === "PageDown") { e.preventDefault(); advance(); }
      else if (e.key === "PageUp") { e.preventDefault(); Reveal.prev(); }
      else if (e.key === "Escape") { frame.blur(); window.focus(); }
    });
  }

  document.querySelectorAll("video.clip").forEach((v) => v.addEventListener("ended", ended));
  document.querySelectorAll("iframe.live").forEach((f) => {
    f.addEventListener("load", () => forwardKeys(f));
    if (f.contentDocument && f.contentDocument.readyState === "complete") forwardKeys(f);
  });
  document.addEventListener("click", () => {
    const slide = Reveal.getCurrentSlide();
    if (slide && slide.classList.contains("needs-click")) { slide.classList.remove("needs-click"); start(slide); }
  });
  // the controls' arrows go through advance() too
  document.addEventListener("click", (e) => {
    if (e.target.closest && e.target.closest(".controls .navigate-right, .controls .navigate-down")) {
      e.preventDefault();
      e.stopPropagation();
      advance();
    }
  }, true);

  // a swipe on a tablet goes through advance() too (reveal.js's own touch navigation would not wait
  // for a loop): left or up is next, right or down is back, 40 px as reveal.js counts a swipe
  let touch = null;
  document.addEventListener("touchstart", (e) => {
    touch = e.touches.length === 1 ? [e.touches[0].clientX, e.touches[0].clientY] : null;
  }, { passive: true });
  document.addEventListener("touchend", (e) => {
    if (!touch || e.changedTouches.length !== 1) return;
    const dx = e.changedTouches[0].clientX - touch[0], dy = e.changedTouches[0].clientY - touch[1];
    touch = null;
    if (Math.max(Math.abs(dx), Math.abs(dy)) < 40) return;   // a tap, not a swipe
    if ((Math.abs(dx) > Math.abs(dy) ? dx : dy) < 0) advance(); else Reveal.prev();
  });

  const next = () => advance();
  Reveal.initialize({
    width: 1920, height: 1080, margin: 0, minScale: 0.1, maxScale: 4,
    hash: true, history: false, navigationMode: "linear", transition: "none", backgroundTransition: "none",
    autoPlayMedia: false, preloadIframes: true, touch: false, viewDistance: 2, center: false,
    keyboard: { 39: next, 40: next, 32: next, 34: next, 78: next },
    plugins: [RevealNotes],
  }).then(() => start(Reveal.getCurrentSlide()));
  Reveal.on("slidechanged", (e) => start(e.currentSlide));
})();
