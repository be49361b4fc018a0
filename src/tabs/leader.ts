/**
 * Elects one tab of the browser as leader: the one that flushes the shared outbox. The Web Lock is
 * held for the page's life, or until the tab resigns (its storage fell back to memory: it cannot read
 * what the others share), and passes to a waiting tab when the holder lets go. Where Web Locks
 * are missing (Safari before 15.4) or refused, every tab flushes: the server deduplicates on
 * messageId, so nothing is stored twice; it only costs some repeated requests. Browser pages only.
 */
export function electLeader(
  name: string,
  onLeader: () => void,
): [isLeader: () => boolean, resign: () => void] {
  let leader = false;
  let resign = () => {};
  const become = () => {
    leader = true;
    onLeader();
  };
  const locks = navigator.locks;
  if (locks) {
    locks
      .request(name, () => {
        become();
        return new Promise<void>((letGo) => {
          resign = () => {
            leader = false;
            letGo();
          };
        });
      })
      .catch(become);
  } else become();
  return [() => leader, () => resign()];
}
