/** Deterministic PRNG (mulberry32): the same seed gives the same demo data on every machine. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof rng>;

export const FIRST_NAMES = ['Alice', 'Bruno', 'Chloé', 'Dmitri', 'Emma', 'Farid', 'Grace', 'Hugo', 'Inès', 'Jonas', 'Kenji', 'Léa', 'Maya', 'Noah', 'Olga', 'Pablo', 'Quentin', 'Rosa', 'Sami', 'Tara', 'Ugo', 'Vera', 'Wen', 'Yasmin', 'Zoé'];
export const LAST_NAMES = ['Martin', 'Bernard', 'Nguyen', 'Okafor', 'Schmidt', 'Rossi', 'García', 'Kowalski', 'Dubois', 'Silva', 'Tanaka', 'Andersen', 'Haddad', 'Moreau', 'Petit'];
export const COMPANIES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella Retail', 'Stark Supplies', 'Wayne Logistics', 'Hooli', 'Vandelay Imports', 'Soylent Foods', 'Tyrell Systems', 'Cyberdyne Labs', 'Massive Dynamic'];
export const SUBJECTS = [
  'Order {n} has not arrived', 'Refund for order {n}', 'Cannot log in to my account', 'Invoice {n} shows the wrong VAT',
  'Package arrived damaged', 'How do I change my delivery address?', 'Subscription renewed twice', 'Discount code not applied',
  'Question about warranty', 'Item out of stock: when back?', 'App crashes when I open my orders', 'Please cancel order {n}',
  'Wrong size delivered', 'Tracking link does not work', 'Need a copy of invoice {n}', 'Password reset email never arrives',
];
export const REPLIES = [
  'Thanks for reaching out! I have looked into this and will update you shortly.',
  'Sorry for the trouble. Could you send a photo of the package and your order number?',
  'I have issued the refund; it should reach your account within 5 business days.',
  'The carrier confirms the parcel is on its way. Here is the new tracking link.',
  'I have reset your account; you should receive an email in a few minutes.',
];
export const NOTES = ['Checked with the warehouse: stock arrives Friday.', 'Escalating to billing, VAT rule for EU B2B.', 'Customer is a VIP, handle with care.'];
export const CUSTOMER_REPLIES = ['Thank you, that worked!', 'Still not resolved, any news?', 'Here is the photo you asked for.', 'I never received the email, please check again.'];
