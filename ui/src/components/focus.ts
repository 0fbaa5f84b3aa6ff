// A step's main control takes the focus when the step appears: the control that had it went
// away with the old step, and a keyboard user should carry on from the new one, not from the
// top of the dialog.

/** An attachment (`{@attach focusOnMount}`): focuses its element once it is in the document. */
export function focusOnMount(node: HTMLElement): void {
  queueMicrotask(() => {
    if (node.isConnected) node.focus();
  });
}
