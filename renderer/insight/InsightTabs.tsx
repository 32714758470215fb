import { useTranslation } from 'react-i18next';
import { AttentionView } from './AttentionView';
import { GatesView } from './GatesView';
import { GradientView } from './GradientView';
import { ParamsView } from './ParamsView';
import { useInsight, type InsightTab } from './insightStore';

const TABS: readonly InsightTab[] = ['loss', 'gradients', 'gates', 'attention', 'params'];

/** The dashboard's tabs: loss and metric, gradient through time, gates and states, attention alignment, parameters. */
export function InsightTabs() {
  const { t } = useTranslation();
  const tab = useInsight((s) => s.tab);
  const setTab = useInsight((s) => s.setTab);
  return (
    <div className="insight-tabs" role="tablist" aria-label={t('insight.tabs')}>
      {TABS.map((k) => (
        <button key={k} type="button" role="tab" aria-selected={tab === k} className={tab === k ? 'active' : ''} onClick={() => setTab(k)} data-testid={`insight-tab-${k}`}>
          {t(`insight.tab.${k}`)}
        </button>
      ))}
    </div>
  );
}

/** The selected insight view (everything but the loss tab, which the dashboard draws itself). */
export function InsightView({ tab }: { tab: Exclude<InsightTab, 'loss'> }) {
  const view = tab === 'gradients' ? <GradientView /> : tab === 'gates' ? <GatesView /> : tab === 'attention' ? <AttentionView /> : <ParamsView />;
  return <div className="insight-scroll">{view}</div>;
}
