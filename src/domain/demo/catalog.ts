/**
 * The demo catalog, built from `projects.ts` in two forms: the bodies of catalog.md's POST routes
 * (what gets stored), and the resolved model the simulated viewers watch (start and end of each
 * annotation in seconds). IDs are fixed hashes of the names, so every installation's demo has the
 * same IDs and a re-run finds what an earlier one created.
 */
import { createHash } from 'node:crypto';
import type { AnnotationType, ExperienceType, TimeValue } from '../catalog-types.js';
import { EXPERIENCES, PROJECTS, TEMPLATES } from './projects.js';
import type { AnnotationSpec, ProjectSpec } from './spec.js';

export const DEMO_ACCOUNT_ID = 'demo';

/** 24 hex characters, the shape of the IDs the server makes. */
export function demoId(label: string): string {
  return createHash('sha256').update(`cuepoint-demo:${label}`).digest('hex').slice(0, 24);
}

export interface ProjectBody {
  id: string;
  title: string;
  video_id: string;
  video_source_id: string;
  video_duration: number;
  tags: string[];
}

export interface AnnotationBody {
  id: string;
  type: AnnotationType;
  title: string;
  start_time: TimeValue;
  duration: TimeValue;
  properties: Record<string, unknown>;
}

export interface ExperienceBody {
  id: string;
  title: string;
  type: ExperienceType;
  playlist: string[];
  tags: string[];
}

export interface DemoCatalog {
  projects: ProjectBody[];
  annotations: { projectId: string; body: AnnotationBody }[];
  experiences: ExperienceBody[];
}

export interface ModelAnnotation {
  id: string;
  spec: AnnotationSpec;
  /** Seconds into the video. */
  start: number;
  end: number;
}

export interface ModelProject {
  id: string;
  spec: ProjectSpec;
  /** Every annotation the video shows (its own and templates), by start time. */
  annotations: ModelAnnotation[];
  chapters: ModelAnnotation[];
}

export interface ModelExperience {
  id: string;
  share: number;
  playlist: ModelProject[];
}

export interface DemoModel {
  projects: ModelProject[];
  experiences: ModelExperience[];
}

const projectId = (key: string) => demoId(`project:${key}`);
const annotationId = (owner: string, key: string) => demoId(`annotation:${owner}:${key}`);

/** Chapters become `bookmark` annotations, and a `contents` menu lists them. */
function chapterSpecs(project: ProjectSpec): AnnotationSpec[] {
  if (project.chapters.length === 0) return [];
  const chapters = project.chapters.map(([title, at], i): AnnotationSpec => {
    const next = project.chapters[i + 1];
    return {
      type: 'bookmark',
      key: `chapter-${i + 1}`,
      title,
      at,
      // The last chapter runs to the end of the video, whatever its length.
      duration: next ? next[1] - at : 'infinite',
      interest: 0,
    };
  });
  const menu: AnnotationSpec = {
    type: 'contents',
    key: 'menu',
    title: 'Chapters',
    at: 0,
    duration: 'infinite',
    interest: 0.3,
  };
  return [menu, ...chapters];
}

function time(value: number, units: 'seconds' | 'percent' = 'seconds'): TimeValue {
  return { value, units };
}

function properties(spec: AnnotationSpec, chapterIds: string[]): Record<string, unknown> {
  switch (spec.type) {
    case 'bookmark':
      return { text: spec.title };
    case 'contents':
      return { chapters: chapterIds };
    case 'quiz':
      return {
        questions: spec.questions.map((q) => ({
          question: q.question,
          answers: q.answers.map((text, i) => ({ text, type: 'choice', correct: i === q.correct })),
        })),
        pass_percent: 70,
      };
    case 'poll':
      return { poll_type: spec.pollType, prompt: spec.prompt, responses: spec.responses };
    case 'signin':
      return { fields: ['first_name', 'last_name', 'email'], custom_field_label: spec.customLabel };
    case 'sentiment':
      return { rating: spec.icon };
    case 'pop':
    case 'image':
    case 'hotlink':
      return spec.url === undefined
        ? { text: spec.text, target_time: spec.targetTime }
        : { text: spec.text, url: spec.url };
    case 'ontime':
      return { text: spec.text };
    case 'form':
      return { fields: spec.fields };
    case 'iframe':
    case 'drawing':
      return spec.url === undefined ? {} : { url: spec.url };
  }
}

function annotationBody(id: string, spec: AnnotationSpec, chapterIds: string[]): AnnotationBody {
  return {
    id,
    type: spec.type,
    title: spec.title,
    start_time: time(spec.at, spec.atUnits),
    duration:
      spec.duration === 'infinite' ? { value: null, units: 'infinite' } : time(spec.duration),
    properties: properties(spec, chapterIds),
  };
}

function resolve(id: string, spec: AnnotationSpec, videoDuration: number): ModelAnnotation {
  const start = spec.atUnits === 'percent' ? (spec.at / 100) * videoDuration : spec.at;
  const end =
    spec.duration === 'infinite' ? videoDuration : Math.min(videoDuration, start + spec.duration);
  return { id, spec, start, end };
}

function build(): { catalog: DemoCatalog; model: DemoModel } {
  const catalog: DemoCatalog = { projects: [], annotations: [], experiences: [] };
  const templates = new Map(
    TEMPLATES.map((t) => [t.spec.key, { id: annotationId('template', t.spec.key), ...t }]),
  );
  const models = new Map<string, ModelProject>();

  for (const project of PROJECTS) {
    const id = projectId(project.key);
    catalog.projects.push({
      id,
      title: project.title,
      video_id: project.videoId,
      video_source_id: project.videoSourceId,
      video_duration: project.duration,
      tags: project.tags,
    });
    const own = [...chapterSpecs(project), ...project.annotations].map((spec) => ({
      id: annotationId(project.key, spec.key),
      spec,
    }));
    const chapterIds = own.filter((a) => a.spec.type === 'bookmark').map((a) => a.id);
    for (const a of own) {
      catalog.annotations.push({ projectId: id, body: annotationBody(a.id, a.spec, chapterIds) });
    }
    for (const t of templates.values()) {
      if (t.owner === project.key) {
        catalog.annotations.push({ projectId: id, body: annotationBody(t.id, t.spec, []) });
      }
    }
    const shown = [
      ...own,
      ...project.templates.map((key) => {
        const t = templates.get(key);
        if (!t) throw new Error(`demo project ${project.key}: unknown template ${key}`);
        return t;
      }),
    ];
    const annotations = shown
      .map((a) => resolve(a.id, a.spec, project.duration))
      .sort((a, b) => a.start - b.start);
    models.set(project.key, {
      id,
      spec: project,
      annotations,
      chapters: annotations.filter((a) => a.spec.type === 'bookmark'),
    });
  }

  const experiences = EXPERIENCES.map((e) => {
    const playlist = e.playlist.map((key) => {
      const model = models.get(key);
      if (!model) throw new Error(`demo experience ${e.key}: unknown project ${key}`);
      return model;
    });
    const id = demoId(`experience:${e.key}`);
    catalog.experiences.push({
      id,
      title: e.title,
      type: e.type,
      playlist: playlist.map((p) => p.id),
      tags: e.tags,
    });
    return { id, share: e.share, playlist };
  });

  return { catalog, model: { projects: [...models.values()], experiences } };
}

const built = build();

/** What `cuepoint demo` stores in the catalog of the `demo` account. */
export const DEMO_CATALOG: DemoCatalog = built.catalog;
/** What the simulated viewers watch. */
export const DEMO_MODEL: DemoModel = built.model;
