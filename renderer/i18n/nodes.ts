import type { Language } from '../../src/protocol';
import type { NodeSpec } from '../../src/nodes/types';

/**
 * Node kinds in other languages, keyed by the kind's `type`. The English comes from the node spec
 * itself; a kind missing here (a new one) simply shows its English title and description. Equations
 * are shared by every language.
 */
export interface NodeText {
  readonly title: string;
  readonly description?: string;
}

export const NODE_TEXT_ZH: Readonly<Record<string, NodeText>> = {
  Input: { title: '输入', description: '数据源：一个序列（每个时间步一个值）或一个向量（每个样本一个值），可以是实数，也可以是类别 / 词元编号。' },
  Embedding: { title: '嵌入', description: '把词元编号变成可学习的向量：词元 k 取矩阵 E [size, vocab] 的第 k 列，相当于 E 乘以 k 的独热向量。' },
  OneHot: { title: '独热编码', description: '把类别或词元编号变成独热向量：V 个类别中的编号 k 给出一个大小为 V 的向量，第 k 个位置为 1，其余为 0。没有参数。' },
  Linear: { title: '线性', description: '一个或多个输入的仿射变换：y = b + W0 x0 + W1 x1 + …；门、循环单元和输出层的基本构件。' },
  Add: { title: '相加', description: '各输入的逐元素之和，所有输入必须大小相同（残差连接、带泄漏的状态更新和门控循环单元的状态更新）。' },
  Multiply: { title: '相乘', description: '两个同样大小的输入的逐元素乘积 a ⊙ b；门就是这样缩放一个值的。' },
  OneMinus: { title: '一减', description: '逐元素计算 1 − x：门的补，例如门控循环单元的更新 h = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ。' },
  Scale: { title: '缩放', description: '把输入乘以一个固定常数 s（不参与训练），例如 softmax 之前乘以 1/√d，或乘以 −1 后配合相加节点做减法。' },
  Diag: { title: '对角权重', description: '输入的每个单元乘以各自可学习的权重 p ⊙ x（即对角权重矩阵），长短期记忆的窥孔连接就是这样的。' },
  Concat: { title: '拼接', description: '沿特征维把各输入拼接起来 [x_0; x_1; …]；输出大小是各输入大小之和（例如解码器输入 [y_{i−1}; c_i]、双向的隐状态）。' },
  Split: { title: '切分', description: '沿特征维把输入切成若干段相邻的部分，各部分大小由参数给出，它们之和必须等于输入大小。' },
  Sigmoid: { title: 'Sigmoid', description: '逐元素的 logistic sigmoid 函数 σ(x) = 1 / (1 + e^{−x})；把值压缩到 (0, 1)，是门的激活函数。' },
  Tanh: { title: 'Tanh', description: '逐元素的双曲正切；把值压缩到 (−1, 1)，是 Elman 循环单元和候选状态的激活函数。' },
  ReLU: { title: 'ReLU', description: '逐元素的整流函数 max(0, x)。用作循环的激活函数时它没有上界，因此状态和梯度可能爆炸。' },
  RNN: { title: '循环神经网络（Elman）', description: '最基本的循环单元：每个时间步把输入与上一步的隐状态混合，再用 tanh（或 relu）压缩。长程梯度会消失（用 relu 时则可能爆炸）。' },
  LSTM: { title: '长短期记忆（LSTM）', description: '长短期记忆：细胞状态 c 由遗忘门决定保留多少、由输入门决定写入多少，再经输出门读出。能让梯度在很长的跨度上保持有效。' },
  GRU: { title: '门控循环单元（GRU）', description: '门控循环单元：更新门把上一步的隐状态与候选状态混合，重置门决定候选状态能看到多少上一步的隐状态。门比长短期记忆少，记忆能力相近。' },
  Delay: { title: '延迟', description: '输出上一个时间步的值（第一步输出其初始值）：它是循环的状态，也是闭合环路的唯一方式。' },
  LastStep: { title: '最后一步', description: '读取序列在每个样本最后一个有效时间步（其长度 τ_b，而不是填充后的长度）上的值：即 n→1 的形状，例如根据最终隐状态对整个序列分类。' },
  Softmax: { title: 'Softmax', description: '把 logits 变成类别概率，按样本和时间步分别计算。交叉熵损失接收的是 logits 本身，而不是这个输出。' },
  CrossEntropy: { title: '交叉熵', description: '由 logits 和真实类别编号计算的分类损失：真实类别的负对数概率，对有效时间步求和再除以批大小（或对有效时间步取平均）。' },
  MSE: { title: '均方误差', description: '回归损失：预测与目标之差的平方，对输出单元取平均，对有效时间步求和再除以批大小（或对有效时间步取平均）。' },
  Bidirectional: { title: '双向循环层', description: '前向和后向两个循环单元读同一个序列：后向单元从每个样本的最后一个有效时间步读回第一步；每步输出两者的拼接（或和），final 输出为 [h→_τ; h←_1]。' },
  Leaky: { title: '带泄漏单元', description: '带泄漏的循环单元：h_t = α ⊙ h_{t−1} + (1 − α) ⊙ tanh(b + W h_{t−1} + U x_t)；α 接近 1 的单元记得更久。α 可固定（初始化时采样）或可训练。' },
  Jordan: { title: '输出循环网络（Jordan）', description: '只有输出反馈回去的循环网络：上一步的输出（softmax、logits 或 arg-max 独热向量）作为下一步的输入；训练时可用教师强制，以真实的上一步目标代替。' },
  Multiplicative: { title: '乘法模块（超网络）', description: '由上下文 z 计算权重：W(z)_{ij} = Σ_k U_{ijk} z_k，输出 y = W(z) x；没有偏置。' },
  Dot: { title: '点积', description: '两个同样大小的输入逐行的点积 aᵀb，输出大小为 1（注意力打分用）。' },
  LeakyMix: { title: '泄漏混合', description: '按单元的系数 α 混合两个输入：α ⊙ a + (1 − α) ⊙ b；α 是存储的参数，或由可训练的 logit 经 sigmoid 得到。' },
  Reverse: { title: '反转', description: '把每个样本的有效时间步倒序（第 τ_b 步变成第 1 步），填充的时间步为零；双向循环层的后向方向就是这样读序列的。' },
  KVMemory: { title: '键值记忆', description: '记忆网络：查询与每个键做点积，在有效槽位上做 softmax，按权重读出值；多跳时下一跳的查询为 x + s。输出读出值、查询和每一跳的注意力权重。' },
  SoftmaxPool: { title: 'Softmax 汇聚', description: '沿时间（或记忆槽位）对分数做数值稳定的滑动 softmax，并累积加权的值：注意力读出的内部步骤。' },
  SoftmaxPoolRead: { title: 'Softmax 汇聚读出', description: '从 Softmax 汇聚的累积量中读出加权平均 Σ p_j v_j。' },
  SoftmaxPoolWeight: { title: 'Softmax 汇聚权重', description: '从 Softmax 汇聚的累积量中读出每个位置的注意力权重 p_j，用于对齐图。' },
  PositionalEncoding: { title: '位置编码', description: '把位置信息加到输入上：正弦编码 PE[t,2k] = sin(p/10000^{2k/D})、PE[t,2k+1] = cos(…)，p = t − 1；或可学习的表 P [maxLen, D]。' },
  SelfAttention: { title: '自注意力', description: '单头自注意力：q、k、v 由 W_q、W_k、W_v 投影得到，A = softmax(QKᵀ/√d_k + M)，输出 A V；M 屏蔽填充的键，因果模式下还屏蔽未来的时间步。' },
  Attention: { title: '注意力（编码器–解码器）', description: '编码器–解码器注意力：查询（解码器状态）给记忆（编码器状态）的每个有效时间步打分，softmax 把分数变成权重，输出记忆的加权和。打分方式：点积、缩放点积、双线性（general）或加性（Bahdanau）；局部注意力（Luong）还偏向预测位置附近的时间步。' },
  ArgMax: { title: '最大值独热', description: '输出取值最大的类别的独热向量（并列时取编号最小者）；没有梯度。' },
  BCE: { title: '二元交叉熵', description: '由 logits 计算的相互独立的是 / 否输出（例如停止单元）的损失：σ(o) 与 [0, 1] 内目标之间的交叉熵，对输出单元取平均，对有效时间步求和再除以批大小（或对有效时间步取平均）。' },
};

/** Param names shown in the inspector, in Chinese; a name missing here is shown as it is. */
export const PARAM_LABEL_ZH: Readonly<Record<string, string>> = {
  inputs: '输入个数',
  units: '输出大小',
  bias: '偏置',
  size: '大小',
  role: '种类',
  dtype: '数据类型',
  init: '初始状态',
  initIndex: '独热位置',
  reduction: '归约方式',
  sizes: '各部分大小',
  factor: '系数',
  hidden: '隐状态大小',
  activation: '激活函数',
  peepholes: '窥孔连接',
  forgetBias: '遗忘门偏置',
  resetAfter: '重置门后置',
  updateConvention: '更新约定',
  vocab: '词表大小',
  classes: '类别数',
  cell: '循环单元',
  merge: '合并方式',
  alpha: 'α',
  feedback: '反馈方式',
  teacherForcing: '教师强制',
  hops: '跳数',
  causal: '因果屏蔽',
  kind: '种类',
  maxLen: '最大长度',
  steps: '延迟步数',
  skip: '跳跃连接',
  score: '打分方式',
  attnSize: '注意力隐层大小',
  local: '局部注意力',
  localSize: '位置网络大小',
  d: '高斯宽度 d',
};

/** The title and description of a node kind in `language`, falling back to the spec's English. */
export function nodeText(spec: Pick<NodeSpec<any>, 'type' | 'title' | 'description'>, language: string): { title: string; description: string } {
  const local = language === ('zh-CN' satisfies Language) ? NODE_TEXT_ZH[spec.type] : undefined;
  return { title: local?.title ?? spec.title, description: local?.description ?? spec.description };
}

/** A param's display name in `language` (the name itself in English). */
export function paramLabel(name: string, language: string): string {
  return language === 'zh-CN' ? (PARAM_LABEL_ZH[name] ?? name) : name;
}

/** The built-in examples (titles and descriptions come from the host in English), by example id. */
export const EXAMPLE_TEXT_ZH: Readonly<Record<string, NodeText>> = {
  'one-to-many-initial-state': { title: '1→n：由描述生成波形（作为初始状态）', description: '描述波形的向量 c（振幅、频率、cos φ、sin φ）设定 GRU 的初始状态 h_0 = tanh(R_0 c + b_0)；每一步 GRU 读入上一个值 y_{t−1}（y_0 = 0），线性层预测 y_t = A sin(ωt + φ)，均方误差。基线是重复上一个值。' },
  'one-to-many-every-step': { title: '1→n：由描述生成波形（每一步输入）', description: '描述波形的向量 c 在每一步与上一个值 y_{t−1} 拼接，GRU 看到 a_t = b + W h_{t−1} + U y_{t−1} + R c；线性层预测 y_t = A sin(ωt + φ)，均方误差。' },
  'one-to-many-both': { title: '1→n：由描述生成波形（初始状态与每一步输入）', description: '向量 c 既设定 GRU 的初始状态 h_0 = tanh(R_0 c + b_0)，又在每一步与上一个值 y_{t−1} 拼接；线性层预测 y_t = A sin(ωt + φ)，均方误差。' },
  'seq2seq-stop-unit': { title: '带停止单元的序列到序列：反转序列（n→m）', description: '反转模板的注意力编码器–解码器，但没有结束词元：一个单单元线性层读取每个目标步的解码器状态 s_i，σ 给出第 i 步是最后一步的概率，用二元交叉熵训练（最后一步目标为 1，之前为 0）；解码时 σ > 0.5 即停止。' },
  'seq2seq-predicted-length': { title: '预测长度的序列到序列：反转序列（n→m）', description: '反转模板的注意力编码器–解码器，但没有结束词元：一个单单元线性层读取上下文 C（编码器最后状态）预测输出步数，用平方误差对真实长度训练；解码时输出四舍五入后的预测长度个词元。' },
  'deep-transition-rnn': { title: '带捷径的深层转移循环网络（加法问题）', description: '用基本运算搭建的深层转移：在 h_{t−1} 与 h_t 之间加一层 MLP，z_t = tanh(W₁ [x_t; h_{t−1}] + b₁)，h_t = tanh(W₂ z_t + b₂ + h_{t−1})；捷径把 h_{t−1} 绕过 MLP 加回来，让梯度沿时间有短路径可走。在 15 步上均方误差远低于基线 1/6。' },
  'kv-memory-babi': { title: '故事问答上的键值记忆网络', description: '每句话是一个记忆槽（词袋 + 新近度），问题经线性层成为查询；两跳读取 p = softmax(kᵀx)，x ← x + s，第二跳顺着物品找到拿走它的人。' },
  'self-attention-encoder': { title: '加法问题上的自注意力编码器', description: '没有循环：线性嵌入 + 位置编码 + 单头自注意力，一次看到两个被标记的时间步，基线均方误差 1/6。' },
  'elman-lm': { title: 'Elman 字符级语言模型', description: '普通 tanh 循环网络预测伊索寓言的下一个字符，可在推理面板中生成文本。' },
  'seq2seq-context-reverse': { title: '序列到序列：上下文作初始状态并作每步输入（n→m）', description: '没有注意力的编码器–解码器。编码器在 τ 处的状态（上下文 C）既是解码器的初始状态 h0，又与每一步输入拼接：[y_{i−1}; C]。解码器只能从这一个向量回忆整个源序列，序列越长越难：可与注意力模板在较长序列上比较。' },
  'seq2seq-scheduled-sampling': {
    title: '计划采样的序列到序列：反转序列（n→m）',
    description:
      '反转模板的注意力编码器–解码器，用计划采样（Bengio 等）训练：第 i 个目标步解码器读入 y_{i−1} = m·onehot(y_in_i) + (1 − m)·ŷ_{i−1}，m ~ Bernoulli(ρ)，即真实的上一个符号（教师强制）或自己上一步的选择 ŷ_{i−1} = onehot(argmax o_{i−1})；保存它的延迟节点从开始符的独热向量起步（ArgMax 的 size 为 8，给开始符留出位置，符号 k 仍是 k）。ρ 在 400 个训练步内从 1 线性降到 0.25，让解码器学会从自己的错误继续。评估和解码总是输入它自己的词元；argmax 不传梯度。',
  },
  'seq2seq-attention-reverse': { title: '带注意力的序列到序列：反转序列（n→m）', description: '两条时间轴上的编码器–解码器。GRU 编码器读入源符号，其最后状态作为 GRU 解码器（h0）和延迟节点 s_{i−1} 的初始值；解码器每一步对全部编码器状态做加性注意力，并把上下文与上一个输出符号一起读入（教师强制），线性层预测反转序列的下一个符号或结束符。' },
  'elman-classifier': { title: 'Elman 循环神经网络分类器', description: '用基本运算搭建的 Elman 循环神经网络：延迟节点把 h 从第 t−1 步带到第 t 步，用交叉熵在类别编号上训练。' },
  'per-step-regression': { title: '逐时间步回归', description: '没有循环：在序列的每个时间步上应用 Linear → Tanh → Linear，用均方误差训练。' },
  'elman-adding': { title: '加法问题上的 Elman 循环神经网络', description: '普通 tanh 循环神经网络读入 30 步（数值，标记）对，预测两个被标记数值之和。' },
  'lstm-adding': { title: '加法问题上的长短期记忆网络（LSTM）', description: 'LSTM 读入 30 步（数值，标记）对，预测两个被标记数值之和。' },
  'gru-adding': { title: '加法问题上的门控循环单元（GRU）', description: 'GRU 读入 30 步（数值，标记）对，预测两个被标记数值之和。' },
  'gru-parity': { title: 'GRU 奇偶分类器（n→1）', description: 'GRU 读入一串比特，线性层根据最后一个有效时间步的隐状态判断其奇偶。' },
  'lstm-charlm': { title: 'LSTM 字符级语言模型', description: '在伊索寓言文本上预测下一个字符。' },
  'lstm-from-gates': {
    title: '用门搭建的 LSTM（加法问题）',
    description:
      '用基本运算搭建 LSTM 单元：四个线性门都读入 x_t 和 h_{t−1}，i = σ(·)，f = σ(·)，g = tanh(·)，o = σ(·)；c_t = f ⊙ c_{t−1} + i ⊙ g，h_t = o ⊙ tanh(c_t)，两个延迟节点把 h 和 c 带到下一步。它与融合的 LSTM 节点计算完全相同，便于逐个查看每个门。',
  },
  'stacked-lstm': {
    title: '加法问题上的两层堆叠 LSTM',
    description: '两层 LSTM 堆叠：第一层读入（数值，标记）对，第二层读入第一层的隐状态 h¹_t。顶层最后一步的状态预测两个被标记数值之和，用均方误差训练，基线为 1/6。',
  },
  'leaky-adding': {
    title: '加法问题上的泄漏积分单元',
    description:
      '泄漏积分循环网络：每个单元保留旧状态的 α 部分，并引入 1 − α 的新 tanh 候选值，h_t = α ⊙ h_{t−1} + (1 − α) ⊙ tanh(U x_t + W h_{t−1} + b)。α 接近 1 时状态变化缓慢，被标记数值的信息比普通循环网络保留得更久；这里 α 可训练，初值在 [0.5, 0.99] 内。',
  },
  'skip-rnn-adding': {
    title: '加法问题上带跳跃连接的循环神经网络',
    description: '带时间跳跃连接的 tanh 循环网络：h_t = tanh(U x_t + W h_{t−1} + W_d h_{t−10} + b)。来自 h_{t−10} 的额外通路让梯度只需几跳而不是 30 步就能跨越序列，缓解了让普通循环网络在加法问题上停留在基线均方误差 1/6 附近的梯度消失。',
  },
  'bilstm-parity': {
    title: '双向 LSTM 奇偶分类器',
    description: '双向 LSTM 正向和反向读入一串比特；其 final 输出把正向单元的最后状态与反向单元在第一步的状态拼接为 [h→_τ; h←_1]。线性层据此用交叉熵判断奇偶；随机猜测的损失为 ln 2 ≈ 0.693。',
  },
  'lstm-classifier': {
    title: 'LSTM 情感分类器（n→1）',
    description: '单词编号 → 嵌入 → LSTM → 最后一步 → 线性层 → 交叉熵：LSTM 读完整个短句，用最后一个词处的状态判断负面、中性或正面。类别是情感词之和的符号，前面的 “very” 使其加倍，“not” 使其取反，没有哪一个词能单独决定类别。三类等可能：瞎猜得分 ln 3 ≈ 1.10，准确率 1/3。',
  },
  'gru-tagger': {
    title: '从左到右的 GRU 词性标注器（n→n）',
    description: '单词编号 → 嵌入 → GRU → 线性层 → 每一步的交叉熵：为每个词标注 DET、ADJ、NOUN 或 VERB。像 “record” 这样的词后接限定词或形容词时是动词，否则是名词；从左到右的 GRU 还没读到下一个词，只能猜，准确率最多约 90 %。可与双向 LSTM 标注器比较。只看单词本身、对歧义词瞎猜，每个词得分 0.3·ln 2 ≈ 0.21。',
  },
  'bilstm-tagger': {
    title: '双向 LSTM 词性标注器（n→n）',
    description: '单词编号 → 嵌入 → 双向 LSTM → 线性层 → 每一步的交叉熵。每一步把正向状态（已读的词）和反向状态（后面的词）拼接为 [h→_t; h←_t]，所以取决于下一个词的标签（“record” 在限定词或形容词前是动词，否则是名词）和取决于上一个词的标签一样容易判断。它接近 100 %，而从左到右的 GRU 标注器停在约 90 %。只看单词本身每个词得分 0.3·ln 2 ≈ 0.21。',
  },
  'seq2seq-date': {
    title: '带注意力的序列到序列：日期格式转换（n→m）',
    description: '字符级编码器–解码器加注意力，把 “25 Nov 2026”、“November 25, 2026” 或 “25/11/2026” 改写为 “2026-11-25”，再输出结束符。GRU 编码器读入源字符，其最后状态作为 GRU 解码器和延迟节点 s_{i−1} 的初始值。解码器在每个输出字符处对编码器状态做注意力（日、月、年在各格式中位置不同），并把上下文与上一个输出一起读入（教师强制）。只知道格式、看不到源文本，每个日期得分约 12.4 奈特。',
  },
};

/** An example's title and description in `language`, falling back to the host's English. */
export function exampleText(example: { id: string; title: string; description: string }, language: string): { title: string; description: string } {
  const local = language === 'zh-CN' ? EXAMPLE_TEXT_ZH[example.id] : undefined;
  return { title: local?.title ?? example.title, description: local?.description ?? example.description };
}
