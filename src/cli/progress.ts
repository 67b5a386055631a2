/** A progress bar for long CLI work, on stderr, only when stderr is a terminal. */
import cliProgress from 'cli-progress';
import type { Io } from './output.ts';

/** A progress display that can be updated and stopped. */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** Creates a bar titled `title`; a no-op when stderr is not a terminal. */
export function createProgress(io: Io, title: string): Progress {
  if (!io.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: `${title} [{bar}] {percentage}% | {value}/{total} users | {eta_formatted} left`, stream: io.stderr as NodeJS.WritableStream, hideCursor: true, noTTYOutput: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(Math.max(total, 1), done);
        started = true;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
