/**
 * The code page to read MDaemon's files in when the settings leave it empty.
 *
 * MDaemon writes in the Windows ANSI code page of its machine; on that machine the registry's
 * ACP value names it. Elsewhere (a Linux or macOS machine reading a share) it cannot be known,
 * so the Western European code page, the most common one, is the default.
 */
import { type CodePage, FALLBACK_CODE_PAGE, findCodePage } from '../../../shared/code-pages';
import type { RegistryReader } from './detect';

/** Where Windows keeps its ANSI code page. */
export const ACP_KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage';

/** Maps an ACP number ("1252", "932") to an allowlisted id; the fallback when not allowlisted. */
export function codePageFromAcp(acp: string | null): CodePage {
  const s = acp?.trim() ?? '';
  if (!/^\d+$/.test(s)) return FALLBACK_CODE_PAGE;
  return findCodePage(s)?.id ?? FALLBACK_CODE_PAGE;
}

/** The system's ANSI code page on Windows (registry value ACP), cp1252 elsewhere or when unknown. */
export async function systemCodePage(p: {
  platform: NodeJS.Platform;
  readRegistry: RegistryReader;
}): Promise<CodePage> {
  if (p.platform !== 'win32') return FALLBACK_CODE_PAGE;
  const acp = await p.readRegistry(ACP_KEY, 'ACP').catch(() => null);
  return codePageFromAcp(acp);
}

/** Alias of systemCodePage, under the name the issue uses. */
export const defaultCodePage = systemCodePage;
