/** Catalog enumerations and shapes (catalog.md), declared once. */
export const ANNOTATION_TYPES = [
  'contents',
  'iframe',
  'pop',
  'quiz',
  'bookmark',
  'ontime',
  'drawing',
  'image',
  'hotlink',
  'poll',
  'signin',
  'sentiment',
  'form',
] as const;
export type AnnotationType = (typeof ANNOTATION_TYPES)[number];

export const EXPERIENCE_TYPES = ['slidesync', 'lesson', 'branching', 'off_video_chapters'] as const;
export type ExperienceType = (typeof EXPERIENCE_TYPES)[number];

export const POLL_TYPES = ['MultipleChoice', 'TrueFalse', 'PictureChoice'] as const;

export interface Project {
  id: string;
  account_id: string;
  title: string;
  video_id: string | null;
  video_source_id: string | null;
  video_duration: number | null;
  tags: string[];
  created_at: string;
  updated_at: string;
}

export interface TimeValue {
  value: number | null;
  units: 'seconds' | 'percent' | 'infinite';
}

export interface Annotation {
  id: string;
  account_id: string;
  project_id: string;
  type: AnnotationType;
  title: string | null;
  start_time: TimeValue | null;
  duration: TimeValue | null;
  properties: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface Experience {
  id: string;
  account_id: string;
  title: string;
  type: ExperienceType;
  playlist: string[];
  tags: string[];
  created_at: string;
  updated_at: string;
}
