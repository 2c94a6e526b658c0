/**
 * One physical log line as a container runtime wrote it, reduced to what the
 * joiner needs: which stream, whether more of the same record follows, and
 * the record's bytes carried on this line.
 */
export type LogFormat = 'cri' | 'docker' | 'plain';

export interface Piece {
  /** "stdout", "stderr", or "plain" for plain files. */
  stream: string;
  /** True when the record continues on a later line of the same stream. */
  partial: boolean;
  content: Buffer;
  /** Bytes of this line's content dropped because the physical line was over the limit. */
  droppedBytes?: number;
}

/** Why a line could not be read in its file's format; it is then kept as a plain record. */
export type MalformedReason = 'malformed_cri_line' | 'malformed_docker_line';
