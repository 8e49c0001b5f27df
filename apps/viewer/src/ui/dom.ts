/** Small typed DOM lookups: a missing element is a build mistake, so it throws at start. */
export function byId<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new TypeError(`page: #${id} missing or not a ${type.name}`);
  return el;
}

export function button(text: string, onClick: () => void, label?: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  if (label !== undefined) b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}
