/** The panel's words in each language it ships. */
const en = {
  open: 'Open chat',
  unread: (count: number) => `${count} unread`,
  dialog: 'Chat and cart',
  close: 'Close',
  title: 'Chat with us',
  tabs: 'Sections',
  chat: 'Chat',
  cart: 'Cart',
  phone: 'Continue on your phone',
  phoneTab: 'Phone',
  greeting: 'Hi! How can we help?',
  away: 'We are away right now. Leave a message and we will answer when we are back.',
  message: 'Message',
  send: 'Send',
  typing: (name?: string) => `${name || 'An agent'} is typing…`,
  you: 'You',
  agent: 'Agent',
  empty: 'Your cart is empty.',
  quantity: (name: string) => `Quantity of ${name}`,
  remove: (name: string) => `Remove ${name}`,
  total: 'Total',
  merged: 'We added the items from your earlier visit to your cart.',
  warning: 'Price or availability changed',
  scan: 'Scan this code with your phone to continue there. It works once, for 10 minutes.',
  link: 'Or open this link on your phone',
  makeLink: 'Show the code',
  failed: 'That did not work. Try again.',
};

export type Words = typeof en;

const zhHant: Words = {
  open: '開啟對話',
  unread: (count) => `${count} 則未讀`,
  dialog: '對話與購物車',
  close: '關閉',
  title: '與我們聊聊',
  tabs: '區塊',
  chat: '對話',
  cart: '購物車',
  phone: '在手機上繼續',
  phoneTab: '手機',
  greeting: '您好！有什麼可以幫您？',
  away: '我們目前不在線上。請留言，我們回來後會盡快回覆。',
  message: '訊息',
  send: '傳送',
  typing: (name) => `${name || '客服人員'}正在輸入…`,
  you: '您',
  agent: '客服',
  empty: '購物車是空的。',
  quantity: (name) => `${name} 的數量`,
  remove: (name) => `移除 ${name}`,
  total: '總計',
  merged: '我們已把您上次加入的商品放進購物車。',
  warning: '價格或庫存已變更',
  scan: '用手機掃描此條碼即可在手機上繼續。僅能使用一次，10 分鐘內有效。',
  link: '或在手機上開啟此連結',
  makeLink: '顯示條碼',
  failed: '操作失敗，請再試一次。',
};

const zhHans: Words = {
  open: '打开对话',
  unread: (count) => `${count} 条未读`,
  dialog: '对话与购物车',
  close: '关闭',
  title: '与我们聊聊',
  tabs: '栏目',
  chat: '对话',
  cart: '购物车',
  phone: '在手机上继续',
  phoneTab: '手机',
  greeting: '您好！有什么可以帮您？',
  away: '我们现在不在线。请留言，我们回来后会尽快回复。',
  message: '消息',
  send: '发送',
  typing: (name) => `${name || '客服人员'}正在输入…`,
  you: '您',
  agent: '客服',
  empty: '购物车是空的。',
  quantity: (name) => `${name} 的数量`,
  remove: (name) => `移除 ${name}`,
  total: '合计',
  merged: '我们已把您上次添加的商品放进购物车。',
  warning: '价格或库存已变更',
  scan: '用手机扫描此二维码即可在手机上继续。仅可使用一次，10 分钟内有效。',
  link: '或在手机上打开此链接',
  makeLink: '显示二维码',
  failed: '操作失败，请重试。',
};

/** `en`, `zh-Hant` or `zh-Hans` for a BCP 47 tag: Taiwan, Hong Kong and Macau write Traditional. */
export function languageOf(tag: string): 'en' | 'zh-Hant' | 'zh-Hans' {
  const lower = tag.toLowerCase();
  if (!lower.startsWith('zh')) return 'en';
  return /hant|-(tw|hk|mo)\b/.test(lower) ? 'zh-Hant' : 'zh-Hans';
}

export const WORDS = { en, 'zh-Hant': zhHant, 'zh-Hans': zhHans };
