// One short sound per new agent message, in one tab of the browser: the tabs race for a Web Lock,
// and inside it the first to see the message writes its time in localStorage, so the others pass.
let audio: AudioContext | undefined;

const beep = () => {
  audio ??= new AudioContext();
  void audio.resume().catch(() => {}); // allowed once the customer has clicked on the page
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  gain.gain.value = 0.05;
  osc.frequency.value = 880;
  osc.connect(gain).connect(audio.destination);
  osc.start();
  osc.stop(audio.currentTime + 0.12);
};

/** Plays the sound for the agent message sent `at`, unless another tab played it (or a newer one). */
export function chime(writeKey: string, at: number): void {
  const key = `omnikit-chime:${writeKey}`;
  const once = () => {
    try {
      if (Number(localStorage.getItem(key)) >= at) return;
      localStorage.setItem(key, `${at}`);
      beep();
    } catch {
      // No storage or no audio: silence.
    }
  };
  if (navigator.locks) void navigator.locks.request(key, once).catch(() => {});
  else once();
}
