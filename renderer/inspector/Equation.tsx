import katex from 'katex';
import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A node kind's equation typeset with KaTeX (its CSS and fonts are bundled by Vite; see main.tsx),
 * with the LaTeX source one click away. A formula KaTeX cannot parse is shown as source, in red.
 */
function EquationImpl({ latex }: { latex: string }) {
  const { t } = useTranslation();
  const html = useMemo(() => {
    try {
      return katex.renderToString(latex, { displayMode: true, throwOnError: false, output: 'htmlAndMathml', strict: 'ignore' });
    } catch {
      return undefined;
    }
  }, [latex]);
  return (
    <div className="equation" data-testid="inspector-equation">
      {html === undefined ? <pre className="equation-error">{latex}</pre> : <div className="equation-math" dangerouslySetInnerHTML={{ __html: html }} />}
      <details className="equation-source">
        <summary>{t('inspector.latexSource')}</summary>
        <pre>{latex}</pre>
      </details>
    </div>
  );
}

export const Equation = memo(EquationImpl);
