/**
 * The settings every report shares: a date range (last 7, 30 or 90 days, or custom days) and
 * optional project and experience filters from the account's catalog. They apply when the form is
 * submitted, so that changing three fields does not start three reports (each new report counts
 * toward the account's rate limit). Keyed by account: another account starts with no filters.
 */
import { useState } from 'preact/hooks';
import { catalogList } from '../api.js';
import { useRun, useStudio } from '../hooks.js';
import { PRESETS, presetRange, todayUtc, type Preset, type Query } from '../query.js';

interface CatalogItem {
  id: string;
  title: string | null;
}

type RangeChoice = `${Preset}` | 'custom';

/** The preset a range matches, if any (so the form opens showing what is applied). */
function choiceOf(q: Query): RangeChoice {
  const today = todayUtc();
  for (const days of PRESETS) {
    const r = presetRange(days, today);
    if (r.start === q.start && r.end === q.end) return `${days}`;
  }
  return 'custom';
}

function CheckList(props: {
  legend: string;
  name: string;
  items: readonly CatalogItem[];
  chosen: ReadonlySet<string>;
  onChange: (chosen: Set<string>) => void;
}) {
  const [find, setFind] = useState('');
  const needle = find.trim().toLowerCase();
  const shown = needle
    ? props.items.filter(
        (i) => i.id.toLowerCase().includes(needle) || i.title?.toLowerCase().includes(needle),
      )
    : props.items;
  const toggle = (id: string, on: boolean) => {
    const next = new Set(props.chosen);
    if (on) next.add(id);
    else next.delete(id);
    props.onChange(next);
  };
  return (
    <fieldset class="checklist" data-filter={props.name}>
      <legend>
        {props.legend} <span class="count">({props.chosen.size} chosen)</span>
      </legend>
      <div class="checklist-tools">
        <input
          type="search"
          placeholder="Find by title or ID"
          aria-label={`Find ${props.legend.toLowerCase()}`}
          value={find}
          onInput={(e) => setFind(e.currentTarget.value)}
        />
        <button
          type="button"
          onClick={() => props.onChange(new Set())}
          disabled={props.chosen.size === 0}
        >
          Clear
        </button>
      </div>
      <ul>
        {shown.map((item) => (
          <li>
            <label>
              <input
                type="checkbox"
                name={props.name}
                value={item.id}
                checked={props.chosen.has(item.id)}
                onChange={(e) => toggle(item.id, e.currentTarget.checked)}
              />{' '}
              {item.title ?? item.id} <span class="id">{item.id}</span>
            </label>
          </li>
        ))}
        {shown.length === 0 ? <li class="hint">None.</li> : null}
      </ul>
    </fieldset>
  );
}

/** Where the catalog cannot be read (a credential without the catalog scope): IDs by hand. */
function IdField(props: { label: string; value: string; onChange: (v: string) => void }) {
  return (
    <label class="field">
      {props.label} (comma-separated)
      <input
        value={props.value}
        spellcheck={false}
        onInput={(e) => props.onChange(e.currentTarget.value)}
      />
    </label>
  );
}

const splitIds = (text: string) => [
  ...new Set(
    text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ),
];

export function Settings({ applied, onApply }: { applied: Query; onApply: (q: Query) => void }) {
  const { session } = useStudio();
  const [range, setRange] = useState<RangeChoice>(() => choiceOf(applied));
  const [start, setStart] = useState(applied.start);
  const [end, setEnd] = useState(applied.end);
  const [projects, setProjects] = useState<Set<string>>(() => new Set(applied.projectIds));
  const [experiences, setExperiences] = useState<Set<string>>(() => new Set(applied.experienceIds));
  const [projectText, setProjectText] = useState(applied.projectIds.join(', '));
  const [experienceText, setExperienceText] = useState(applied.experienceIds.join(', '));
  const [problem, setProblem] = useState<string | undefined>();

  const catalog = useRun(
    async (signal) => ({
      projects: await catalogList(session, applied.accountId, 'projects', { signal }),
      experiences: await catalogList(session, applied.accountId, 'experiences', { signal }),
    }),
    [session, applied.accountId],
  );
  const byHand = catalog.state === 'error';
  const chosenCount = byHand
    ? splitIds(projectText).length + splitIds(experienceText).length
    : projects.size + experiences.size;

  const submit = (event: Event) => {
    event.preventDefault();
    let days: { start: string; end: string };
    if (range === 'custom') {
      if (!start || !end) return setProblem('Enter both the first and the last day.');
      days = { start, end };
    } else days = presetRange(Number(range) as Preset);
    setProblem(undefined);
    onApply({
      accountId: applied.accountId,
      ...days,
      projectIds: byHand ? splitIds(projectText) : [...projects].sort(),
      experienceIds: byHand ? splitIds(experienceText) : [...experiences].sort(),
    });
  };

  const listed = catalog.state === 'done' ? catalog.value : undefined;

  return (
    <form class="settings" onSubmit={submit} aria-label="Report settings">
      <div class="settings-row">
        <label class="field">
          Date range
          <select
            name="range"
            value={range}
            onChange={(e) => setRange(e.currentTarget.value as RangeChoice)}
          >
            {PRESETS.map((d) => (
              <option value={String(d)}>Last {d} days</option>
            ))}
            <option value="custom">Custom…</option>
          </select>
        </label>
        {range === 'custom' ? (
          <>
            <label class="field">
              First day
              <input
                type="date"
                name="start"
                value={start}
                onInput={(e) => setStart(e.currentTarget.value)}
              />
            </label>
            <label class="field">
              Last day
              <input
                type="date"
                name="end"
                value={end}
                onInput={(e) => setEnd(e.currentTarget.value)}
              />
            </label>
          </>
        ) : null}
        <button type="submit" class="primary">
          Apply
        </button>
        <p class="hint">Days are UTC; a range may cover at most six months.</p>
      </div>
      {problem ? (
        <p class="notice notice-error" role="alert">
          {problem}
        </p>
      ) : null}
      <details class="filters">
        <summary>
          Filters{' '}
          <span class="count">{chosenCount > 0 ? `(${chosenCount} chosen)` : '(none)'}</span>
        </summary>
        {catalog.state === 'running' ? <p class="hint">Loading the catalog…</p> : null}
        {catalog.state === 'error' ? (
          <>
            <p class="hint">
              The catalog cannot be listed with this credential ({catalog.error.message}); enter IDs
              instead.
            </p>
            <div class="filter-columns">
              <IdField label="Project IDs" value={projectText} onChange={setProjectText} />
              <IdField label="Experience IDs" value={experienceText} onChange={setExperienceText} />
            </div>
          </>
        ) : null}
        {listed ? (
          <div class="filter-columns">
            <CheckList
              legend="Projects"
              name="project"
              items={listed.projects}
              chosen={projects}
              onChange={setProjects}
            />
            <CheckList
              legend="Experiences"
              name="experience"
              items={listed.experiences}
              chosen={experiences}
              onChange={setExperiences}
            />
          </div>
        ) : null}
      </details>
    </form>
  );
}
