/**
 * The shapes the demo catalog is written in: one description per annotation serves both the
 * catalog (what `POST …/annotations` receives) and the simulated viewers (how they react to it).
 */
import type { ExperienceType } from '../catalog-types.js';

export interface QuizQuestion {
  question: string;
  answers: string[];
  /** Index of the correct answer. */
  correct: number;
}

interface Base {
  /** Unique within its project; the annotation ID is derived from it. */
  key: string;
  title: string;
  /** Start in seconds, or in percent of the video with `atUnits: 'percent'`. */
  at: number;
  atUnits?: 'seconds' | 'percent';
  /** Seconds on screen; 'infinite' lasts to the end of the video. */
  duration: number | 'infinite';
  /** Probability that an engaged viewer acts on it. */
  interest: number;
}

export type AnnotationSpec =
  | (Base & { type: 'contents' })
  | (Base & { type: 'bookmark' })
  | (Base & { type: 'quiz'; questions: QuizQuestion[] })
  | (Base & {
      type: 'poll';
      pollType: 'MultipleChoice' | 'TrueFalse' | 'PictureChoice';
      prompt: string;
      /** What the catalog lists. */
      responses: string[];
      /** What viewers submit, with weights: may include responses the catalog no longer lists. */
      choices: [string, number][];
    })
  | (Base & { type: 'signin'; customLabel: string })
  | (Base & { type: 'sentiment'; icon: 'star' | 'thumbs' | 'emoticon'; mean: number })
  | (Base & {
      type: 'pop' | 'image' | 'hotlink';
      text: string;
      /** A link target, or else a jump within the video. */
      url?: string;
      targetTime?: number;
    })
  | (Base & { type: 'ontime'; text: string })
  | (Base & { type: 'form'; fields: string[] })
  | (Base & { type: 'iframe' | 'drawing'; url?: string; customAction: string });

export interface ProjectSpec {
  key: string;
  title: string;
  /** Seconds. */
  duration: number;
  tags: string[];
  /** Cuepoint's own number for the video, and the video's ID on its platform. */
  videoId: string;
  videoSource: 'brightcove' | 'youtube';
  videoSourceId: string;
  /** Relative share of the visits. */
  popularity: number;
  /** A campaign: between positions `from` and `to` of the period (0–1), popularity × `factor`. */
  peak?: { from: number; to: number; factor: number };
  /**
   * Which door the player's events come through: Brightcove's viewer (`"Player Action"`,
   * `"Project ID"`) or Cuepoint's tracker (`player_action`, `project_id`). Both normalise alike.
   */
  sender: 'brightcove' | 'tracker';
  /** [title, start in seconds] of each chapter; a chapter menu is added when there are chapters. */
  chapters: [string, number][];
  annotations: AnnotationSpec[];
  /** Keys of template annotations (filed under another project) that this video shows too. */
  templates: string[];
}

export interface ExperienceSpec {
  key: string;
  title: string;
  type: ExperienceType;
  tags: string[];
  /** Project keys, in order. */
  playlist: string[];
  /** Share of all visits that go through this experience. */
  share: number;
}
