import { isIPv4, isIPv6 } from 'node:net';

/**
 * Anonymises an address the way analytics tools commonly do: the last IPv4 octet, or the last
 * 80 bits of an IPv6 address, set to zero. IPv4-mapped IPv6 addresses are treated as IPv4.
 */
export function anonymizeIp(ip: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return anonymizeIp(mapped[1]!);
  if (isIPv4(ip)) return ip.replace(/\.\d+$/, '.0');
  if (!isIPv6(ip)) return null;
  const groups = expandIpv6(ip);
  // Keep the first 48 bits (3 groups of 16), zero the remaining 80.
  return compressIpv6([...groups.slice(0, 3), 0, 0, 0, 0, 0]);
}

function expandIpv6(ip: string): number[] {
  const [head = '', tail] = ip.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function compressIpv6(groups: number[]): string {
  const text = groups.map((g) => g.toString(16)).join(':');
  return text.replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:::+/, '::');
}
