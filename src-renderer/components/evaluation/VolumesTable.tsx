/**
 * Volumes in ml: each rater, the majority, the soft reference (Σ mean vote · vv), the model's
 * thresholded volume V_thr = #(p > t)·vv of the mask every comparison uses (the saved result's t,
 * named in the label) and expected volume V_exp = Σp·vv, the signed gaps to
 * the consensus references, and the labelled volume-bias indicator V_thr − V_exp. Under a table with
 * several certain labels, LabelVolumesTable instead.
 */
import type { CaseEvaluation } from '../../../src-shared/evaluation/types';
import { UNCERTAIN_LABELS } from '../../../src-shared/evaluation/defaults';
import { formatMl } from '../../../src-shared/evaluation/metricCatalog';
import { useShownLabels } from './EvaluationLabelPicker';
import { LabelVolumesTable } from './LabelVolumesTable';

function signed(v: number | null): string {
  if (v === null) return 'n/a';
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${formatMl(Math.abs(v))}`;
}

function Row(props: { id: string; label: string; value: string; raw: number | null; title: string }) {
  return (
    <tr data-testid={`volume-${props.id}`} data-value={props.raw === null ? 'null' : String(props.raw)} title={props.title}>
      <th>{props.label}</th>
      <td>{props.value}</td>
      <td className="muted">ml</td>
    </tr>
  );
}

export function VolumesTable({ result }: { result: CaseEvaluation }) {
  const shown = useShownLabels(result);
  // Under several certain labels the binary volumes would read label 2 as uncertain: per label instead.
  if (shown) return <LabelVolumesTable result={result} shown={shown} />;
  const v = result.volumes;
  const m = v.model;
  const u = result.options.uncertainAs;
  const t = result.model?.threshold;
  const maskWords =
    result.model?.mask === 'saved' ? 'the mask saved with the result at that threshold' : 'the probability map thresholded at t';
  return (
    <section className="metrics-section" data-testid="volumes-table">
      <h3>Volumes (ml)</h3>
      <table className="metrics-table">
        <tbody>
          {v.raters.map((r) => (
            <Row
              key={r.id}
              id={`rater-${r.name}`}
              label={r.name}
              value={formatMl(r.ml)}
              raw={r.ml}
              title={`Rater volume: votes × voxel volume, uncertain voxels ${UNCERTAIN_LABELS[u]}`}
            />
          ))}
          <Row
            id="majority"
            label="Majority"
            value={v.majorityMl === null ? 'n/a' : formatMl(v.majorityMl)}
            raw={v.majorityMl}
            title="Voxels with at least ⌊R/2⌋+1 votes × voxel volume"
          />
          <Row
            id="soft"
            label={`Soft reference V_soft (${v.raters.length} human rater${v.raters.length === 1 ? '' : 's'})`}
            value={v.softMl === null ? 'n/a' : formatMl(v.softMl)}
            raw={v.softMl}
            title={`V_soft = Σ(mean rater vote)·vv over the human raters only (never a model), uncertain voxels ${UNCERTAIN_LABELS[u]}`}
          />
          {m ? (
            <>
              <Row
                id="thr"
                label={`Model V_thr (p > ${t})`}
                value={formatMl(m.thresholdedMl)}
                raw={m.thresholdedMl}
                title={`V_thr = the volume of the model's mask, #(p > ${t})·vv, strict >: ${maskWords}`}
              />
              <Row
                id="exp"
                label="Model V_exp = Σp"
                value={formatMl(m.expectedMl)}
                raw={m.expectedMl}
                title="V_exp = Σp·vv, the expected volume; unbiased when the model is calibrated per image"
              />
              <Row
                id="thr-minus-majority"
                label="V_thr − V_majority"
                value={signed(v.gaps.thrMinusMajorityMl)}
                raw={v.gaps.thrMinusMajorityMl}
                title="Signed gap of the thresholded volume to the majority"
              />
              <Row
                id="exp-minus-majority"
                label="V_exp − V_majority"
                value={signed(v.gaps.expMinusMajorityMl)}
                raw={v.gaps.expMinusMajorityMl}
                title="Signed gap of the expected volume to the majority"
              />
              <Row
                id="thr-minus-soft"
                label="V_thr − V_soft"
                value={signed(v.gaps.thrMinusSoftMl)}
                raw={v.gaps.thrMinusSoftMl}
                title="Signed gap of the thresholded volume to the soft reference"
              />
              <Row
                id="exp-minus-soft"
                label="V_exp − V_soft"
                value={signed(v.gaps.expMinusSoftMl)}
                raw={v.gaps.expMinusSoftMl}
                title="Signed gap of the expected volume to the soft reference"
              />
              <tr
                className="bias"
                data-testid="volume-bias"
                data-value={String(m.thrMinusExpMl)}
                title="Volume-bias indicator V_thr − V_exp (Bertels et al.): far from 0 when the thresholded mask over- or under-states the volume the probabilities expect, as soft-Dice-trained models tend to"
              >
                <th>Volume bias V_thr − V_exp</th>
                <td>{signed(m.thrMinusExpMl)}</td>
                <td className="muted">ml</td>
              </tr>
            </>
          ) : (
            <tr>
              <td colSpan={3} className="muted">
                No model result on this case.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
