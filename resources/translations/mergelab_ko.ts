<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>QObject</name>
    <message>
        <location filename="../../ui/messages.cpp" line="+35"/>
        <source>Round %1: Env %2 training</source>
        <translation>%1라운드: 환경 %2 학습 중</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Round %1: central baseline training</source>
        <translation>%1라운드: 중앙 기준 모델 학습 중</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Round %1: merging (%2)</source>
        <translation>%1라운드: 병합 중 (%2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Round %1: testing %2</source>
        <translation>%1라운드: %2 시험 중</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Round %1: copying back</source>
        <translation>%1라운드: 되돌려 복사 중</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Round %1: saving</source>
        <translation>%1라운드: 저장 중</translation>
    </message>
    <message>
        <location line="-28"/>
        <source>running</source>
        <translation>진행 중</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>reached the target accuracy after %n round(s)</source>
        <translation>
            <numerusform>%n라운드 후 목표 정확도에 이름</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>finished all %n round(s)</source>
        <translation>
            <numerusform>%n라운드를 모두 마침</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>stopped by the user after %n finished round(s)</source>
        <translation>
            <numerusform>%n라운드를 마친 뒤 사용자가 멈춤</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>diverged after %n round(s)</source>
        <translation>
            <numerusform>%n라운드 후 발산함</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>failed: %1</source>
        <translation>실패: %1</translation>
    </message>
    <message>
        <location filename="../../ui/save_run.cpp" line="+47"/>
        <source>no folder chosen</source>
        <translation>폴더를 고르지 않았습니다</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 is a system folder; choose a folder of your own</source>
        <translation>%1은 시스템 폴더입니다; 자신의 폴더를 고르세요</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is the run&apos;s own folder</source>
        <translation>%1은 이 실행의 폴더입니다</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>%1 is inside another run, %2</source>
        <translation>%1은(는) 다른 실행 %2 안에 있습니다</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>%1 is not a folder</source>
        <translation>%1은 폴더가 아닙니다</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>%1 holds another run</source>
        <translation>%1에 다른 실행이 있습니다</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>%1 is not empty</source>
        <translation>%1이 비어 있지 않습니다</translation>
    </message>
    <message>
        <location filename="../../ui/view_export.cpp" line="+52"/>
        <location line="+15"/>
        <location line="+4"/>
        <location line="+13"/>
        <location line="+4"/>
        <source>could not write %1</source>
        <translation>%1을 쓰지 못했습니다</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1: choose a file ending in .%2</source>
        <translation>%1: .%2로 끝나는 파일을 고르세요</translation>
    </message>
    <message>
        <location filename="../../ui/class_accuracy_view.cpp" line="+40"/>
        <source> (no env)</source>
        <translation> (환경 없음)</translation>
    </message>
    <message>
        <location filename="../../ui/insight_kit.cpp" line="+66"/>
        <source>The models of round %1 were not kept: a run keeps the newest round&apos;s models only. Tick &quot;%2&quot; in the Setup panel to keep every round&apos;s.</source>
        <translation>%1라운드의 모델은 남아 있지 않습니다: 실행은 가장 최근 라운드의 모델만 남깁니다. 모든 라운드의 모델을 남기려면 설정 패널에서 &quot;%2&quot;에 체크하세요.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>This run predates %1: it was saved in run format 1. Run it again to see it.</source>
        <translation>이 실행은 %1보다 먼저 만들어졌습니다(실행 형식 1). 다시 실행하면 볼 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/interpolation_view.cpp" line="+55"/>
        <source>%1 %2 points of accuracy (ends %3 % and %4 %, lowest %5 % at t = %6)</source>
        <translation>%1 정확도 %2 포인트 (양 끝 %3 %와 %4 %, 최저 %5 %, t = %6)</translation>
    </message>
</context>
<context>
    <name>mergelab</name>
    <message>
        <location filename="../../core/src/settings.cpp" line="+41"/>
        <source>SGD with momentum</source>
        <translation>모멘텀 SGD</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Adam</source>
        <translation>Adam</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Shared: same initial weights</source>
        <translation>공유: 같은 초기 가중치</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Independent per environment</source>
        <translation>환경마다 따로</translation>
    </message>
    <message>
        <location line="+325"/>
        <source>automatic</source>
        <translation>자동</translation>
    </message>
    <message>
        <location filename="../../core/src/dataset.cpp" line="+23"/>
        <source>T-shirt/top</source>
        <translation>티셔츠/상의</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Trouser</source>
        <translation>바지</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pullover</source>
        <translation>풀오버</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Dress</source>
        <translation>드레스</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coat</source>
        <translation>코트</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sandal</source>
        <translation>샌들</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shirt</source>
        <translation>셔츠</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sneaker</source>
        <translation>운동화</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bag</source>
        <translation>가방</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ankle boot</source>
        <translation>앵클부츠</translation>
    </message>
    <message>
        <location filename="../../core/src/presets.cpp" line="+36"/>
        <source>H: which strategy wins?</source>
        <translation>H: 어떤 전략이 이길까?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>lanes of avg, FedProx, FedAdam, FedAvgM and TIES on the H split, 60 rounds of 0.1 epoch: about 20 minutes on 2 cores</source>
        <translation>H 분할에서 avg, FedProx, FedAdam, FedAvgM, TIES를 레인으로 비교, 0.1에포크씩 60라운드: 2코어에서 약 20분</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>H: closing the gap</source>
        <translation>H: 격차 좁히기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>lanes of avg and of avg trained with virtual images of the missing classes, its last two layers calibrated (CCVR), on the H split, 60 rounds of 0.1 epoch, 3 seeds: bands over the seeds and accuracy against the bytes sent; about 15 minutes on 2 cores</source>
        <translation>H 분할에서 avg와, 없는 클래스의 가상 이미지로 학습하고 마지막 두 층을 보정한 avg를 레인으로 비교, 0.1에포크씩 60라운드, 시드 3개: 시드에 걸친 띠와 보낸 바이트 대비 정확도; 2코어에서 약 15분</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Quick demo</source>
        <translation>빠른 시연</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>V split on 12 % of the data, 4 rounds: about a minute on 2 cores</source>
        <translation>데이터의 12 %로 V 분할, 4라운드: 2코어에서 약 1분</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Paper: V-environment</source>
        <translation>논문: V 환경</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the paper&apos;s V experiment: 2 environments with all classes, 6 rounds of 3 local epochs</source>
        <translation>논문의 V 실험: 모든 클래스를 가진 환경 2개, 로컬 3에포크씩 6라운드</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Paper: H-environment</source>
        <translation>논문: H 환경</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the paper&apos;s H experiment: classes 0-4 and 5-9 in two environments, 6 rounds of 1 local epoch</source>
        <translation>논문의 H 실험: 두 환경에 클래스 0-4와 5-9, 로컬 1에포크씩 6라운드</translation>
    </message>
    <message>
        <location filename="../../core/src/model.cpp" line="+95"/>
        <source>CNN (2 conv + 2 linear)</source>
        <translation>CNN (합성곱 2 + 선형 2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>two 3x3 convolutions (32, 64 filters) with max-pooling, a 128-unit hidden layer, dropout 0.25</source>
        <translation>최대 풀링을 쓰는 3x3 합성곱 2개(필터 32, 64), 128유닛 은닉층, 드롭아웃 0.25</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>CNN for colour (2 conv + 2 linear)</source>
        <translation>컬러용 CNN (합성곱 2 + 선형 2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the CNN&apos;s layers for 32x32 colour images (3 input channels): for image folders in colour</source>
        <translation>32x32 컬러 이미지(입력 채널 3개)를 위한 CNN 층: 컬러 이미지 폴더용</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>MLP (2 linear)</source>
        <translation>MLP (선형 2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>one 128-unit hidden layer: fast, for quick checks</source>
        <translation>128유닛 은닉층 하나: 빠른 확인용</translation>
    </message>
    <message>
        <location filename="../../core/src/settings.cpp" line="-233"/>
        <source>Alpha</source>
        <translation>알파</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dirichlet concentration: small values give each environment few classes</source>
        <translation>디리클레 집중도: 작을수록 환경마다 클래스가 적어집니다</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Classes</source>
        <translation>클래스</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>classes per environment, e.g. 0-4;5-9 (empty: even contiguous groups)</source>
        <translation>환경별 클래스, 예: 0-4;5-9 (비우면 고르게 연속된 묶음)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Split</source>
        <translation>분할</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>how the training data is divided among the environments</source>
        <translation>학습 데이터를 환경에 나누는 방식</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Environments</source>
        <translation>환경</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>number of environments</source>
        <translation>환경 수</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Validation share</source>
        <translation>검증 비율</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>share of each environment&apos;s data held out for its local accuracy</source>
        <translation>로컬 정확도를 재려고 각 환경에서 떼어 두는 데이터 비율</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Training images</source>
        <translation>학습 이미지</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>training images per environment (0: all)</source>
        <translation>환경별 학습 이미지 수 (0: 전부)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Training data</source>
        <translation>학습 데이터</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>share of each environment&apos;s training images used; less is faster</source>
        <translation>각 환경의 학습 이미지 중 쓸 비율; 적을수록 빠릅니다</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the network every environment trains</source>
        <translation>모든 환경이 학습하는 신경망</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Primary method</source>
        <translation>주 병합 방법</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Compare</source>
        <translation>비교</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>merge methods evaluated side by side each round on the same local models</source>
        <translation>매 라운드 같은 로컬 모델로 나란히 평가할 병합 방법</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Mode</source>
        <translation>방식</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>compare methods on the same local models, or run one experiment per method</source>
        <translation>같은 로컬 모델로 방법을 비교하거나, 방법마다 실험 하나씩 실행</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Lanes</source>
        <translation>레인</translation>
    </message>
    <message>
        <location line="-24"/>
        <source>the merged model that is copied back to every environment (METHOD[+RULE][:key=value,...])</source>
        <translation>모든 환경에 되돌려 복사되는 병합 모델 (METHOD[+RULE][:key=value,...])</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>lanes mode: one full experiment per strategy METHOD[+RULE][:key=value,...], same seed and data</source>
        <translation>레인 방식: 전략 METHOD[+RULE][:key=value,...]마다 같은 시드와 데이터로 전체 실험 하나씩</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Align units</source>
        <translation>유닛 정렬</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>permute each environment&apos;s hidden units to match environment 1&apos;s before merging (weight matching)</source>
        <translation>병합 전에 각 환경의 은닉 유닛을 환경 1에 맞게 재배열 (가중치 매칭)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Centralised baseline</source>
        <translation>중앙 기준 모델</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>also train one model on all environments&apos; data (central)</source>
        <translation>모든 환경의 데이터로 모델 하나도 학습 (중앙)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Rounds (max)</source>
        <translation>라운드 (최대)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the round limit</source>
        <translation>라운드 한도</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Epochs per round</source>
        <translation>라운드당 에포크</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>local epochs per round (the maximum with a local target)</source>
        <translation>라운드당 로컬 에포크 (로컬 목표가 있으면 최대값)</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Batches per round</source>
        <translation>라운드당 배치</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>local training batches per round instead of whole epochs (0: epochs)</source>
        <translation>에포크 대신 라운드당 로컬 학습 배치 수 (0: 에포크 단위)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Local rule</source>
        <translation>로컬 규칙</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>how environments train locally (RULE[:key=value,...])</source>
        <translation>환경이 로컬에서 학습하는 방식 (RULE[:key=value,...])</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>Until local accuracy</source>
        <translation>로컬 정확도까지</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>train locally until validation accuracy reaches this (0: off)</source>
        <translation>검증 정확도가 이 값에 이를 때까지 로컬 학습 (0: 끔)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Stop at accuracy</source>
        <translation>목표 정확도에서 멈춤</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stop when every environment&apos;s copied-back accuracy reaches this (0: off)</source>
        <translation>되돌려 복사한 모델의 정확도가 모든 환경에서 이 값에 이르면 멈춤 (0: 끔)</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Optimizer</source>
        <translation>옵티마이저</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>adam, or sgd with momentum</source>
        <translation>adam 또는 모멘텀 sgd</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Learning rate</source>
        <translation>학습률</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>learning rate, e.g. 0.001</source>
        <translation>학습률, 예: 0.001</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Momentum</source>
        <translation>모멘텀</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SGD momentum</source>
        <translation>SGD 모멘텀</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Batch size</source>
        <translation>배치 크기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>images per training step</source>
        <translation>학습 한 스텝의 이미지 수</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Seed</source>
        <translation>시드</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>seed of the split, initial weights, data order and dropout</source>
        <translation>분할, 초기 가중치, 데이터 순서, 드롭아웃의 시드</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Repeats (seeds)</source>
        <translation>반복 (시드 수)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>run every strategy once per seed (the seed, seed + 1, ...) and summarise mean, spread and 95 % intervals</source>
        <translation>모든 전략을 시드마다 한 번씩 실행하고(시드, 시드 + 1, ...) 평균, 흩어짐, 95 % 구간을 요약합니다</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Initialisation</source>
        <translation>초기화</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>shared: the same initial weights everywhere; independent: each environment its own</source>
        <translation>공유: 모든 곳에 같은 초기 가중치; 독립: 환경마다 자기 것</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Start from</source>
        <translation>시작 모델</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>start every environment from this saved model (.pt); overrides the initialisation</source>
        <translation>모든 환경을 이 저장된 모델 파일에서 시작; 초기화 설정보다 우선</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Threads</source>
        <translation>스레드</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>threads to use (0: every core)</source>
        <translation>사용할 스레드 (0: 모든 코어)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Environments needed</source>
        <translation>필요한 환경 수</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>with environments in processes: merge a round once this many reported and let the others rejoin (0: every environment must report)</source>
        <translation>환경을 별도 프로세스로 실행할 때: 이만큼의 환경이 보고하면 라운드를 병합하고 나머지는 다시 참여하게 합니다 (0: 모든 환경이 보고해야 함)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Histogram bins</source>
        <translation>히스토그램 구간</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>weight histogram bins per layer</source>
        <translation>층별 가중치 히스토그램 구간 수</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Path images</source>
        <translation>경로 이미지</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>test images on which each round records the path from environment 1&apos;s model to environment 2&apos;s (0: none; the Interpolation view can still compute it from saved models)</source>
        <translation>라운드마다 환경 1의 모델에서 환경 2의 모델까지의 경로를 기록할 테스트 이미지 수 (0: 기록 안 함; 보간 보기는 저장된 모델로 경로를 계산할 수 있음)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Data folder</source>
        <translation>데이터 폴더</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fashion-MNIST folder (empty: $MERGELAB_DATA or the Debian package)</source>
        <translation>Fashion-MNIST 폴더 (비우면 $MERGELAB_DATA 또는 데비안 패키지)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Test share</source>
        <translation>테스트 비율</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>an image folder with only class folders: the share of each class held out as the test set</source>
        <translation>클래스 폴더만 있는 이미지 폴더: 클래스마다 테스트 세트로 떼어 두는 비율</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Save every round</source>
        <translation>모든 라운드 저장</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>keep the models of every round, not only the last</source>
        <translation>마지막뿐 아니라 모든 라운드의 모델을 보관</translation>
    </message>
    <message>
        <location filename="../../core/src/split.cpp" line="+255"/>
        <source>V: every environment has all classes</source>
        <translation>V: 모든 환경이 모든 클래스를 가짐</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>every environment holds all ten classes in equal shares, different samples</source>
        <translation>모든 환경이 열 클래스를 같은 비율로 갖되 샘플은 다름</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>H: environments hold different classes</source>
        <translation>H: 환경마다 다른 클래스</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>each environment holds only its own classes (default: even contiguous groups, 0-4 / 5-9)</source>
        <translation>각 환경은 자기 클래스만 가짐 (기본: 고르게 연속된 묶음, 0-4 / 5-9)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Dirichlet: skewed class shares</source>
        <translation>디리클레: 치우친 클래스 비율</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>each class is shared among the environments in proportions drawn from Dirichlet(alpha)</source>
        <translation>각 클래스를 디리클레(알파)에서 뽑은 비율로 환경에 나눔</translation>
    </message>
    <message>
        <location filename="../../ui/i18n.cpp" line="+78"/>
        <source>&amp;Language</source>
        <translation>언어(&amp;L)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>MergeLab speaks %1 from its next start. Restart now?</source>
        <translation>MergeLab은 다음 시작부터 %1로 표시됩니다. 지금 다시 시작할까요?</translation>
    </message>
    <message>
        <location filename="../../ui/palette.cpp" line="+91"/>
        <source>Env %1</source>
        <translation>환경 %1</translation>
    </message>
    <message>
        <location filename="../../ui/class_names.cpp" line="+63"/>
        <source>T-shirt</source>
        <translation>티셔츠</translation>
    </message>
    <message>
        <location filename="../../core/src/merge.cpp" line="+78"/>
        <source>Average</source>
        <translation>평균</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>element-wise mean of the environments&apos; weights</source>
        <translation>환경들 가중치의 원소별 평균</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Maximum</source>
        <translation>최댓값</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>element-wise maximum of the environments&apos; weights</source>
        <translation>환경들 가중치의 원소별 최댓값</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Largest magnitude</source>
        <translation>절댓값 최대</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the value of largest magnitude, its sign kept (ties: lowest environment)</source>
        <translation>절댓값이 가장 큰 값을 부호 그대로 (같으면 번호가 작은 환경)</translation>
    </message>
    <message>
        <location filename="../../core/src/merge_methods.cpp" line="+145"/>
        <source>Weighted average (FedAvg)</source>
        <translation>가중 평균 (FedAvg)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mean of the environments&apos; weights weighted by their training-set sizes</source>
        <translation>학습 데이터 크기로 가중한 환경들 가중치의 평균</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Median</source>
        <translation>중앙값</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>element-wise median (mean of the two middle values for even N)</source>
        <translation>원소별 중앙값 (N이 짝수면 가운데 두 값의 평균)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Trimmed mean</source>
        <translation>절사 평균</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>per element, drop the floor(trim*N) smallest and largest values and average the rest</source>
        <translation>원소마다 가장 작은 값과 가장 큰 값을 floor(trim*N)개씩 버리고 나머지를 평균</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Trim</source>
        <translation>절사 비율</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>share of values dropped at each end</source>
        <translation>양 끝에서 각각 버리는 값의 비율</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Scale</source>
        <translation>배율</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>scale of the summed deltas (1/N: their mean)</source>
        <translation>변화량 합에 곱하는 배율 (1/N이면 평균)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Task arithmetic</source>
        <translation>태스크 산술</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>start model + lambda * sum of the environments&apos; deltas from it</source>
        <translation>시작 모델 + lambda × 시작 모델로부터 환경들 변화량의 합</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>scale of the merged delta</source>
        <translation>병합한 변화량에 곱하는 배율</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>trim each delta to its largest entries, elect a sign per weight, average the deltas that agree</source>
        <translation>변화량마다 큰 원소만 남기고, 가중치마다 부호를 정한 뒤, 그 부호와 같은 변화량만 평균</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Density</source>
        <translation>남기는 비율</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>share of each delta&apos;s entries kept (per tensor)</source>
        <translation>변화량마다 남기는 원소의 비율 (텐서별)</translation>
    </message>
    <message>
        <location filename="../../core/src/server_optimizers.cpp" line="+17"/>
        <source>Size-weighted</source>
        <translation>크기 가중</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1: the pseudo-gradient uses the size-weighted mean (wavg)</source>
        <translation>1이면 유사 기울기에 크기 가중 평균(wavg)을 사용</translation>
    </message>
    <message>
        <location line="+187"/>
        <source>FedAvgM (server momentum)</source>
        <translation>FedAvgM (서버 모멘텀)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>server SGD with momentum on the pseudo-gradient start model - mean</source>
        <translation>유사 기울기(시작 모델 - 평균)에 서버에서 모멘텀 SGD 적용</translation>
    </message>
    <message>
        <location line="-33"/>
        <location line="+36"/>
        <source>Server learning rate</source>
        <translation>서버 학습률</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>step size on the pseudo-gradient</source>
        <translation>유사 기울기 방향의 보폭</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Server momentum</source>
        <translation>서버 모멘텀</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>share of the previous step kept</source>
        <translation>이전 보폭을 유지하는 비율</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>FedAdam (server Adam)</source>
        <translation>FedAdam (서버 Adam)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>server Adam on the pseudo-gradient start model - mean (no bias correction)</source>
        <translation>유사 기울기(시작 모델 - 평균)에 서버에서 Adam 적용 (편향 보정 없음)</translation>
    </message>
    <message>
        <location line="-45"/>
        <source>step size</source>
        <translation>보폭</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Beta 1</source>
        <translation>베타 1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>decay of the first moment</source>
        <translation>1차 모멘트의 감쇠율</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Beta 2</source>
        <translation>베타 2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>decay of the second moment</source>
        <translation>2차 모멘트의 감쇠율</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Tau</source>
        <translation>타우</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>adaptivity: added to the root of the second moment</source>
        <translation>적응 정도: 2차 모멘트의 제곱근에 더하는 값</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>FedAdagrad (server Adagrad)</source>
        <translation>FedAdagrad (서버 Adagrad)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>server Adagrad with momentum on the pseudo-gradient start model - mean: the second moment sums every round&apos;s squares</source>
        <translation>유사 기울기(시작 모델 - 평균)에 서버에서 모멘텀 Adagrad 적용: 2차 모멘트가 매 라운드의 제곱을 누적</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>FedYogi (server Yogi)</source>
        <translation>FedYogi (서버 Yogi)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>server Yogi on the pseudo-gradient start model - mean: the second moment moves additively, by at most (1 - beta2) times the squared step</source>
        <translation>유사 기울기(시작 모델 - 평균)에 서버에서 Yogi 적용: 2차 모멘트가 더하기로 움직이며, 한 번에 최대 (1 - beta2) × 단계의 제곱만큼</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Average of the last K rounds</source>
        <translation>최근 K라운드의 평균</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the mean of the last K rounds&apos; averages; beside avg, the average of the last K global models, which smooths a model that swings from round to round</source>
        <translation>최근 K라운드 평균들의 평균; avg와 나란히 두면 최근 K개 전역 모델의 평균으로, 라운드마다 흔들리는 모델을 고르게 합니다</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Rounds</source>
        <translation>라운드</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>how many of the latest rounds are averaged</source>
        <translation>평균할 최근 라운드 수</translation>
    </message>
    <message>
        <location filename="../../core/src/strategy.cpp" line="+18"/>
        <source>Plain</source>
        <translation>기본</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>each environment minimises its own loss only (the paper&apos;s local training)</source>
        <translation>환경마다 자기 손실만 최소화 (논문의 로컬 학습)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>adds mu/2 ||w - w_round_start||^2 to the local loss, so local models drift less apart</source>
        <translation>로컬 손실에 mu/2 ||w - w_round_start||^2를 더해 로컬 모델들이 덜 벌어지게 함</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Proximal weight</source>
        <translation>근접 항 가중치</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>strength of the pull towards the round&apos;s starting model</source>
        <translation>라운드 시작 모델 쪽으로 당기는 세기</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>control variates: every local gradient is corrected by (server - own) estimate of the drift (option II, every environment every round)</source>
        <translation>제어 변량: 로컬 기울기마다 드리프트 추정치(서버 - 자기)로 보정 (옵션 II, 모든 환경이 매 라운드 참여)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>restricted softmax: while an environment trains, the logits of classes it holds no image of are scaled by alpha, so it stops pushing them down (label skew, as in the H split)</source>
        <translation>제한 소프트맥스: 환경이 학습하는 동안 이미지가 하나도 없는 클래스의 로짓에 alpha를 곱해, 그 클래스들을 더는 깎아내리지 않게 합니다 (H 분할 같은 레이블 치우침)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Scale of missing classes&apos; logits</source>
        <translation>없는 클래스 로짓의 배율</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 is plain training; 0 leaves the classes an environment lacks out of its softmax</source>
        <translation>1이면 일반 학습, 0이면 환경에 없는 클래스를 소프트맥스에서 뺍니다</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Virtual images</source>
        <translation>가상 이미지</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>before round 1 each environment sends the per-class count, mean and covariance of its own training images (pixels, not features); the server pools them and sends each environment the Gaussians of the classes it holds no image of. Every local step then adds weight x the cross-entropy on images drawn from those Gaussians, so no environment forgets the classes it lacks. Once per run; changes nothing where every environment holds every class (V)</source>
        <translation>1라운드 전에 각 환경이 자기 학습 이미지(특징이 아니라 픽셀)의 클래스별 개수, 평균, 공분산을 보냅니다. 서버는 이를 합쳐 각 환경에 그 환경이 이미지를 하나도 갖지 않은 클래스의 가우시안을 보냅니다. 이후 모든 로컬 단계에서 그 가우시안에서 뽑은 이미지의 교차 엔트로피에 weight를 곱해 더하므로, 어떤 환경도 자기에게 없는 클래스를 잊지 않습니다. 실행당 한 번 주고받으며, 모든 환경이 모든 클래스를 가진 경우(V)에는 아무것도 바꾸지 않습니다</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Weight of the virtual images</source>
        <translation>가상 이미지의 가중치</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>their cross-entropy&apos;s weight beside the real batch&apos;s</source>
        <translation>실제 배치의 교차 엔트로피에 대한 가상 이미지 교차 엔트로피의 가중치</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Virtual images per step</source>
        <translation>단계당 가상 이미지 수</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>images drawn in every local step, classes taken uniformly</source>
        <translation>로컬 단계마다 뽑는 이미지 수 (클래스는 균등하게 고름)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Classifier calibration (CCVR)</source>
        <translation>분류기 보정 (CCVR)</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Layers retrained</source>
        <translation>다시 학습할 층</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1: fc2 on the penultimate features; 2: fc1 and fc2 together on fc1&apos;s inputs (for the CNN its 1,600 convolutional features), whose covariances travel in a low-rank form</source>
        <translation>1: 끝에서 두 번째 특징으로 fc2를; 2: fc1의 입력(CNN에서는 합성곱 특징 1,600개)으로 fc1과 fc2를 함께 다시 학습합니다. 이때 공분산은 저랭크 형태로 오갑니다</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Rank</source>
        <translation>랭크</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>with layers=2: the principal directions each environment sends per class; the other directions share one variance</source>
        <translation>layers=2일 때: 각 환경이 클래스마다 보내는 주성분 방향의 수. 나머지 방향은 분산 하나를 함께 씁니다</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Local features</source>
        <translation>로컬 특징</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1: the statistics are of each environment&apos;s own trained model, sent with its weights (no second exchange, but features the merged model does not compute); 0: of the merged model</source>
        <translation>1: 각 환경이 직접 학습한 모델의 통계를 가중치와 함께 보냅니다(두 번째 교환은 없지만, 병합된 모델이 계산하지 않는 특징입니다). 0: 병합된 모델의 통계</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Images per class</source>
        <translation>클래스당 이미지</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>each environment takes its statistics from at most this many of its training images of each class, the first in its own order; 0: all of them</source>
        <translation>각 환경은 클래스마다 자기 학습 이미지 중 최대 이만큼(자기 순서의 앞쪽부터)으로 통계를 구합니다. 0: 전부</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>Every k rounds</source>
        <translation>k라운드마다</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>after the merge, the server sends the merged model to every environment, which returns the per-class count, mean and covariance of the model&apos;s penultimate features (fc1 after ReLU, on its own training data); the server pools them, samples virtual features from those Gaussians and retrains only fc2 on them (with layers=2: fc1 and fc2 on fc1&apos;s inputs)</source>
        <translation>병합 뒤, 서버가 병합된 모델을 모든 환경에 보내면 각 환경은 자기 학습 데이터에서 그 모델의 끝에서 두 번째 특징(ReLU 뒤의 fc1)의 클래스별 개수·평균·공분산을 돌려줍니다. 서버는 이를 모아 그 가우시안에서 가상 특징을 뽑고 fc2만 다시 학습합니다(layers=2이면 fc1의 입력으로 fc1과 fc2를)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>calibrates in rounds k, 2k, ... and in the run&apos;s last round</source>
        <translation>k, 2k, ... 라운드와 실행의 마지막 라운드에 보정합니다</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Only at the end</source>
        <translation>마지막에만</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1: calibrates only in the run&apos;s last round</source>
        <translation>1: 실행의 마지막 라운드에만 보정합니다</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Virtual features per class</source>
        <translation>클래스당 가상 특징 수</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>features drawn from each class&apos;s Gaussian to retrain fc2</source>
        <translation>fc2를 다시 학습하려고 각 클래스의 가우시안에서 뽑는 특징 수</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy back</source>
        <translation>되돌려 복사</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1: the calibrated model is copied back to the environments; 0: it is only evaluated beside the plain merge, which is copied back</source>
        <translation>1: 보정된 모델을 환경들에 되돌려 복사합니다. 0: 보정된 모델은 보통 병합과 나란히 평가만 하고, 되돌려 복사하는 것은 보통 병합입니다</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::AccuracyChart</name>
    <message>
        <location filename="../../ui/accuracy_chart.cpp" line="+69"/>
        <source>Dirichlet split (alpha %1)</source>
        <translation>디리클레 분할 (알파 %1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 split</source>
        <translation>%1 분할</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>, %n environment(s)</source>
        <translation>
            <numerusform>, 환경 %n개</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>: one experiment per lane; local accuracy of lane %1 (%2 of %3)</source>
        <translation>: 레인마다 실험 하나, 레인 %1의 로컬 정확도 (%3개 중 %2번째)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> (lane %1)</source>
        <translation> (레인 %1)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the paper has no %1 split</source>
        <translation>논문에는 %1 분할이 없습니다</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the paper used 2 environments, this run %1</source>
        <translation>논문은 환경 2개, 이 실행은 %1개</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the paper&apos;s H split is classes 0-4 and 5-9</source>
        <translation>논문의 H 분할은 클래스 0-4와 5-9입니다</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the paper trained on all the data, this run on %1 %</source>
        <translation>논문은 데이터 전체로, 이 실행은 %1 %로 학습했습니다</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the paper trained on all the data, this run on %1 images per environment</source>
        <translation>논문은 데이터 전체로, 이 실행은 환경마다 이미지 %1장으로 학습했습니다</translation>
    </message>
    <message>
        <location line="+16"/>
        <location line="+208"/>
        <source>Accuracy per round</source>
        <translation>라운드별 정확도</translation>
    </message>
    <message>
        <location line="-202"/>
        <location filename="../../ui/accuracy_traffic.cpp" line="+130"/>
        <source>Round</source>
        <translation>라운드</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Accuracy (%)</source>
        <translation>정확도 (%)</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>No rounds yet: press Start</source>
        <translation>아직 라운드가 없습니다: 시작을 누르세요</translation>
    </message>
    <message>
        <location line="+142"/>
        <source>%1 %2 % after %3</source>
        <translation>%1 %2 % (%3 후)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 %2 %</source>
        <translation>%1 %2 %</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Round %1</source>
        <translation>%1라운드</translation>
    </message>
    <message>
        <location line="+87"/>
        <source>%1 local</source>
        <translation>%1 로컬</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>central</source>
        <translation>중앙</translation>
    </message>
    <message>
        <location line="+12"/>
        <location filename="../../ui/accuracy_traffic.cpp" line="+39"/>
        <source>lane %1</source>
        <translation>레인 %1</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Paper&apos;s values not shown: %1</source>
        <translation>논문 값을 표시하지 않음: %1</translation>
    </message>
    <message numerus="yes">
        <location line="+15"/>
        <source>Test accuracy over %n seed(s): the mean, in a band of %1</source>
        <translation>
            <numerusform>시드 %n개의 테스트 정확도: 평균과 %1 띠</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>its 95 % interval</source>
        <translation>평균의 95 % 구간</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>the seeds&apos; min to max</source>
        <translation>시드 최솟값~최댓값</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 band, lower edge</source>
        <translation>%1 띠, 아래 경계</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 band</source>
        <translation>%1 띠</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 mean</source>
        <translation>%1 평균</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Each strategy at the bytes its runs had sent and received by each round, the mean over the seeds; the band is the accuracy&apos;s. Local accuracies: on the Rounds axis.</source>
        <translation>각 전략은 라운드마다 그 실행들이 그때까지 보내고 받은 바이트(시드 평균) 위치에 그려지고, 띠는 정확도의 띠입니다. 로컬 정확도: 라운드 축에서.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>paper %1</source>
        <translation>논문 %1</translation>
    </message>
    <message>
        <location filename="../../ui/accuracy_traffic.cpp" line="-90"/>
        <source>no rounds yet</source>
        <translation>아직 라운드가 없습니다</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>this run was saved before MergeLab counted the bytes that travel</source>
        <translation>이 실행은 MergeLab이 오가는 바이트를 세기 전에 저장되었습니다</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Merged models&apos; test accuracy against the bytes that travelled</source>
        <translation>오간 바이트에 따른 병합 모델의 시험 정확도</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>Cumulative traffic: all environments, sent + received (%1)</source>
        <translation>누적 통신량: 모든 환경, 보냄 + 받음 (%1)</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Each lane at its own traffic: its environments&apos; weights and statistics sent and the merged model they received, summed up to each round.</source>
        <translation>레인마다 자기 통신량에 그립니다: 그 레인의 환경들이 보낸 가중치와 통계, 받은 병합 모델을 각 라운드까지 더한 값입니다.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Every method is drawn at this run&apos;s traffic: all of them merged the same local models, and only %1&apos;s merged model was sent back.</source>
        <translation>모든 방법을 이 실행의 통신량에 그립니다: 모두 같은 로컬 모델을 병합했고, %1의 병합 모델만 되돌려 보냈습니다.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The environments&apos; weights and statistics sent and the merged model they received, summed up to each round.</source>
        <translation>환경들이 보낸 가중치와 통계, 받은 병합 모델을 각 라운드까지 더한 값입니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not drawn, no bytes counted: %1.</source>
        <translation>센 바이트가 없어 그리지 않음: %1.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Local and central accuracies: on the Rounds axis.</source>
        <translation>로컬 정확도와 중앙 정확도는 라운드 축에 있습니다.</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::AccuracyPage</name>
    <message>
        <location filename="../../ui/accuracy_page.cpp" line="+25"/>
        <source>&amp;Paper&apos;s published values</source>
        <translation>논문에 실린 값(&amp;P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Band: 95 % &amp;interval (off: min-max)</source>
        <translation>띠: 95 % 구간(&amp;I) (끄면 최솟값~최댓값)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Accuracy against &amp;traffic (cumulative bytes)</source>
        <translation>통신량에 따른 정확도(누적 바이트)(&amp;T)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&amp;X axis:</source>
        <translation>X축(&amp;X):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rounds</source>
        <translation>라운드</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cumulative traffic (bytes)</source>
        <translation>누적 통신량(바이트)</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Seeds&apos; band:</source>
        <translation>시드 띠:</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>With repeated seeds: draw each strategy&apos;s band as the 95 % interval of its mean (on) or as the range from the lowest to the highest seed (off)</source>
        <translation>시드를 반복한 실행에서 각 전략의 띠를 평균의 95 % 구간(켬) 또는 가장 낮은 시드부터 가장 높은 시드까지의 범위(끔)로 그립니다</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Draw each merged model&apos;s test accuracy against the bytes that travelled up to its round: every environment&apos;s weights and statistics sent and the merged model received. Methods compared in one run share that run&apos;s traffic; each lane has its own.</source>
        <translation>각 병합 모델의 시험 정확도를 그 라운드까지 오간 바이트에 따라 그립니다: 모든 환경이 보낸 가중치와 통계, 받은 병합 모델. 한 실행에서 비교한 방법들은 그 실행의 통신량을 함께 쓰고, 레인은 저마다 자기 통신량을 가집니다.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Draw the accuracies round by round</source>
        <translation>정확도를 라운드마다 그립니다</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Traffic unavailable: %1</source>
        <translation>통신량을 그릴 수 없음: %1</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Training losses are drawn live while a run trains; run files keep only the rounds&apos; accuracies</source>
        <translation>학습 손실은 실행 중에만 실시간으로 그려집니다; 실행 파일에는 라운드별 정확도만 남습니다</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Round 1 is training: its points appear when it ends</source>
        <translation>1라운드 학습 중: 끝나면 점이 나타납니다</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+4"/>
        <source>No rounds yet: press Start</source>
        <translation>아직 라운드 없음: 시작을 누르세요</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1. The chart draws a round&apos;s points once the round has ended.</source>
        <translation>%1. 라운드가 끝나면 그 라운드의 점이 차트에 그려집니다.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 (%2 of %3)</source>
        <translation>%1 (%3 중 %2)</translation>
    </message>
    <message>
        <location filename="../../ui/accuracy_page.h" line="+29"/>
        <source>&amp;Accuracy</source>
        <translation>정확도(&amp;A)</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::ClassAccuracyView</name>
    <message>
        <location filename="../../ui/class_accuracy_view.cpp" line="+9"/>
        <source>&amp;Model:</source>
        <translation>모델(&amp;M):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Round</source>
        <translation>라운드</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Test accuracy of the class (%)</source>
        <translation>클래스의 테스트 정확도 (%)</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>Merged: %1</source>
        <translation>병합: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+56"/>
        <source>%1&apos;s local model</source>
        <translation>%1의 로컬 모델</translation>
    </message>
    <message>
        <location line="-23"/>
        <source>No run yet: press Start</source>
        <translation>아직 실행이 없습니다: 시작을 누르세요</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No rounds yet</source>
        <translation>아직 라운드가 없습니다</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Per-class test accuracy</source>
        <translation>클래스별 테스트 정확도</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>merged with %1</source>
        <translation>%1(으)로 병합</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Test accuracy per class, %1 (round %2 marked)</source>
        <translation>클래스별 테스트 정확도, %1 (%2라운드 표시)</translation>
    </message>
    <message>
        <location filename="../../ui/class_accuracy_view.h" line="+25"/>
        <source>Per-c&amp;lass</source>
        <translation>클래스별(&amp;L)</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::ClassCountsChart</name>
    <message>
        <location filename="../../ui/class_counts.cpp" line="+109"/>
        <source>Training images of each class per environment, as the split will divide them</source>
        <translation>분할이 나눌 환경별·클래스별 학습 이미지 수</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Class counts appear once the split can be made</source>
        <translation>분할할 수 있게 되면 클래스 수가 나타납니다</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::ConfusionView</name>
    <message>
        <location filename="../../ui/confusion_view.cpp" line="+67"/>
        <source>Show:</source>
        <translation>보기:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A merged model, or one environment&apos;s own model before the merge</source>
        <translation>병합 모델, 또는 병합 전 한 환경의 자체 모델</translation>
    </message>
    <message>
        <location line="+129"/>
        <location line="+66"/>
        <source>%1 (local model)</source>
        <translation>%1 (로컬 모델)</translation>
    </message>
    <message>
        <location line="-61"/>
        <source>No run yet.
Start an experiment or open a run folder to see its confusion matrices.</source>
        <translation>아직 실행이 없습니다.
실험을 시작하거나 실행 폴더를 열면 혼동 행렬이 보입니다.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Round 1 is still running.
The confusion matrix appears once the first merged model is tested.</source>
        <translation>1라운드가 아직 진행 중입니다.
첫 병합 모델을 시험하면 혼동 행렬이 나타납니다.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This run has no test results for %1&apos;s own model
(it was saved by an older version).</source>
        <translation>이 실행에는 %1 자체 모델의 시험 결과가 없습니다
(이전 버전으로 저장됨).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The merged model &quot;%1&quot; was not evaluated in this round.</source>
        <translation>병합 모델 &quot;%1&quot;은 이 라운드에서 평가되지 않았습니다.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1, round %2: %3 % of %4 test images correct</source>
        <translation>%1, %2라운드: 시험 이미지 %4장 중 %3 % 정답</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Merged: %1</source>
        <translation>병합: %1</translation>
    </message>
    <message>
        <location line="+43"/>
        <location line="+169"/>
        <source>(never seen)</source>
        <translation>(본 적 없음)</translation>
    </message>
    <message>
        <location line="-162"/>
        <location line="+257"/>
        <source>0 – 100 % of the row (true class)</source>
        <translation>행(실제 클래스)의 0 – 100 %</translation>
    </message>
    <message>
        <location line="-253"/>
        <location line="+256"/>
        <source>hatched: classes %1 never saw in training</source>
        <translation>빗금: %1이 학습에서 본 적 없는 클래스</translation>
    </message>
    <message>
        <location line="-146"/>
        <source>Too small to show the matrix.</source>
        <translation>행렬을 보이기에 너무 작습니다.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Predicted class</source>
        <translation>예측 클래스</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>True class</source>
        <translation>실제 클래스</translation>
    </message>
    <message>
        <location line="+168"/>
        <source>True %1, predicted %2: %3 images
(%4 % of the %5 test images)</source>
        <translation>실제 %1, 예측 %2: %3장
(%5 시험 이미지의 %4 %)</translation>
    </message>
    <message>
        <location filename="../../ui/confusion_view.h" line="+24"/>
        <source>&amp;Confusion</source>
        <translation>혼동 행렬(&amp;C)</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::EnvProcesses</name>
    <message>
        <location filename="../../ui/env_processes.cpp" line="+47"/>
        <source>the baseline participant</source>
        <translation>기준선(중앙 학습) 참여자</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>environment %1</source>
        <translation>환경 %1</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>could not start %1: %2</source>
        <translation>%1을(를) 시작할 수 없습니다: %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>its process was killed or crashed</source>
        <translation>프로세스가 강제 종료되었거나 비정상 종료되었습니다</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>its process exited with code %1</source>
        <translation>프로세스가 코드 %1(으)로 종료되었습니다</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::ExperimentRunner</name>
    <message>
        <location filename="../../ui/experiment_runner.cpp" line="+152"/>
        <source>%1 failed: %2</source>
        <translation>%1 실패: %2</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::FileDialogs</name>
    <message>
        <location filename="../../ui/file_dialogs.cpp" line="+21"/>
        <source>Drive</source>
        <translation>드라이브</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Folder</source>
        <translation>폴더</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 file</source>
        <translation>%1 파일</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::FilesController</name>
    <message>
        <location filename="../../ui/files_controller.cpp" line="+37"/>
        <source>&amp;Open run…</source>
        <translation>실행 열기(&amp;O)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Recent &amp;runs</source>
        <translation>최근 실행(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Save run as…</source>
        <translation>다른 이름으로 실행 저장(&amp;S)…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export metrics as &amp;CSV…</source>
        <translation>지표를 CSV로 내보내기(&amp;C)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export metrics as &amp;JSON…</source>
        <translation>지표를 JSON으로 내보내기(&amp;J)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Export view (%1)…</source>
        <translation>보기 내보내기(&amp;E) (%1)…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>(none yet)</source>
        <translation>(아직 없음)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open run folder</source>
        <translation>실행 폴더 열기</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Save run into a new or empty folder</source>
        <translation>새 폴더나 빈 폴더에 실행 저장</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>New folder:</source>
        <translation>새 폴더:</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Not saved: %1</source>
        <translation>저장하지 않음: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+10"/>
        <location line="+10"/>
        <source>Save run</source>
        <translation>실행 저장</translation>
    </message>
    <message>
        <location line="-20"/>
        <source>The run was not saved: %1.</source>
        <translation>실행을 저장하지 않았습니다: %1.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1, and a run folder holds one run only.

Save the run in a new folder %2 beside it instead?</source>
        <translation>%1. 실행 폴더에는 실행 하나만 들어갑니다.

대신 그 옆의 새 폴더 %2에 저장할까요?</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1, and MergeLab never writes beside other files.

Save the run in a new folder %2 inside it instead?</source>
        <translation>%1, MergeLab은 다른 파일 옆에 쓰지 않습니다.

대신 그 안의 새 폴더 %2에 실행을 저장할까요?</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The run was not saved: %1</source>
        <translation>실행을 저장하지 않았습니다: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Run saved in %1</source>
        <translation>실행을 %1에 저장했습니다</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Nothing to export yet</source>
        <translation>아직 내보낼 것이 없습니다</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Export metrics as JSON</source>
        <translation>지표를 JSON으로 내보내기</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Export metrics as CSV</source>
        <translation>지표를 CSV로 내보내기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+34"/>
        <source>Export</source>
        <translation>내보내기</translation>
    </message>
    <message>
        <location line="-34"/>
        <source>Could not write %1: %2</source>
        <translation>%1을 쓰지 못했습니다: %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+8"/>
        <source>Exported %1</source>
        <translation>%1 내보냄</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>PNG image, 3x the screen size (*.png)</source>
        <translation>PNG 이미지, 화면의 3배 크기 (*.png)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>PDF document, vector (*.pdf)</source>
        <translation>PDF 문서, 벡터 (*.pdf)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>SVG image, vector (*.svg)</source>
        <translation>SVG 이미지, 벡터 (*.svg)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export view</source>
        <translation>보기 내보내기</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Could not write %1</source>
        <translation>%1을 쓰지 못했습니다</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::FlowView</name>
    <message>
        <location filename="../../ui/flow_view.cpp" line="+61"/>
        <source>Start an experiment to see how the environments train apart and share only their weights.</source>
        <translation>실험을 시작하면 환경들이 따로 학습하고 가중치만 나누는 모습을 볼 수 있습니다.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Play the round&apos;s phases again, slowly: training, merging, testing, copying back</source>
        <translation>라운드의 단계를 천천히 다시 보기: 학습, 병합, 시험, 되돌려 복사</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Next step (Space)</source>
        <translation>다음 단계 (Space)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go on to the next step of the algorithm (Space or Right arrow)</source>
        <translation>알고리즘의 다음 단계로 넘어갑니다 (Space 또는 오른쪽 화살표)</translation>
    </message>
    <message>
        <location line="+80"/>
        <source>Opened %1: %2. Press Replay to watch a round&apos;s merge step by step; scrub through the rounds above.</source>
        <translation>%1 열림: %2. 다시 보기를 누르면 라운드의 병합을 단계별로 볼 수 있습니다; 위에서 라운드를 넘겨 보세요.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Press Start to train.</source>
        <translation>시작을 누르면 학습합니다.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Finished. Scrub through the rounds above, or replay one.</source>
        <translation>끝났습니다. 위에서 라운드를 넘겨 보거나 다시 보세요.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Run ended: %1. Scrub through the rounds above, or replay one.</source>
        <translation>실행 끝: %1. 위에서 라운드를 넘겨 보거나 다시 보세요.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Lane %1 of %2 (%3): </source>
        <translation>레인 %1/%2 (%3): </translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Replay round %1</source>
        <translation>%1라운드 다시 보기</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Each environment trains on its own images; only the weights, and per class the statistics of its features, meet in the middle (%1).</source>
        <translation>각 환경은 자기 이미지로 학습하고, 가중치와 클래스별 특징 통계만 가운데에서 만납니다 (%1).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Each environment trains on its own images; only the weights meet in the middle (%1).</source>
        <translation>각 환경은 자기 이미지로 학습하고, 가중치만 가운데에서 만납니다 (%1).</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Paused. Resume (Ctrl+P) carries on; Step (F10) runs one more round.</source>
        <translation>일시 정지됨. 다시 시작(Ctrl+P)으로 계속하고, 한 라운드 진행(F10)으로 한 라운드 더 돌립니다.</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 and %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1: %2 train, each on its own data only</source>
        <translation>%1: %2 — 각자 자기 데이터로만 학습</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1: %2 trains on its own data only; for comparison, one central model trains on all environments&apos; data together</source>
        <translation>%1: %2 — 자기 데이터로만 학습; 비교용 중앙 모델 하나는 모든 환경의 데이터를 한데 모아 학습</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: %2 train, each on its own data only; for comparison, one central model trains on all their data together</source>
        <translation>%1: %2 — 각자 자기 데이터로만 학습; 비교용 중앙 모델 하나는 그 데이터를 모두 한데 모아 학습</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Going on to the next step…</source>
        <translation>다음 단계로 넘어가는 중…</translation>
    </message>
    <message numerus="yes">
        <location line="+51"/>
        <source>What Start does: every environment trains on its own images only (%1 split); their weights meet in the middle and are merged with %2; the merged model is tested on the test images and copied back to every environment; and again, up to %n round(s).</source>
        <translation>
            <numerusform>시작하면: 모든 환경이 자기 이미지로만 학습합니다(%1 분할). 가중치만 가운데로 모여 %2 방법으로 병합되고, 병합 모델을 시험 이미지로 시험한 뒤 모든 환경에 되돌려 복사합니다. 이를 최대 %n라운드 되풀이합니다.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>After each merge the environments also send, per class, the mean and covariance of the merged model&apos;s features on their images, and the server retrains the last layer on samples drawn from them.</source>
        <translation>병합할 때마다 환경들은 자기 이미지에서 구한 병합 모델 특징의 클래스별 평균과 공분산도 보내고, 서버는 그 분포에서 뽑은 표본으로 마지막 층을 다시 학습합니다.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>One central model trains on all the data in one place, for comparison.</source>
        <translation>비교를 위해 중앙 모델 하나가 모든 데이터를 한곳에서 학습합니다.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>process %1</source>
        <translation>프로세스 %1</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>class %1</source>
        <translation>클래스 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>classes %1</source>
        <translation>클래스 %1</translation>
    </message>
    <message>
        <location line="-127"/>
        <location line="+131"/>
        <source>Round %1</source>
        <translation>%1라운드</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>all %1 classes</source>
        <translation>모든 %1개 클래스</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 test images</source>
        <translation>시험 이미지 %1장</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>the test images</source>
        <translation>시험 이미지</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1: %2 trains on its own data only</source>
        <translation>%1: %2에서 자기 데이터로만 학습</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1: %2 trains on its own data only (%3)</source>
        <translation>%1: %2에서 자기 데이터로만 학습 (%3)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1: for comparison, one central model trains on all environments&apos; data in one place (what merging tries to match without sharing data)</source>
        <translation>%1: 비교용으로 중앙 모델 하나가 모든 환경의 데이터를 한곳에서 학습 (병합이 데이터를 나누지 않고 따라잡으려는 대상)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: merging weights element by element with %2; no images leave the environments</source>
        <translation>%1: %2로 가중치를 원소별로 병합; 이미지는 환경 밖으로 나가지 않음</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1: testing the merged model (%2) on %3</source>
        <translation>%1: 병합 모델(%2)을 %3으로 시험</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: copying the merged model (%2) back to every environment</source>
        <translation>%1: 병합 모델(%2)을 모든 환경에 되돌려 복사</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: saving the models and the results to disk</source>
        <translation>%1: 모델과 결과를 디스크에 저장</translation>
    </message>
    <message>
        <location filename="../../ui/flow_boxes.cpp" line="+28"/>
        <source>T-shirt</source>
        <translation>티셔츠</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trouser</source>
        <translation>바지</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pullover</source>
        <translation>풀오버</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dress</source>
        <translation>드레스</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coat</source>
        <translation>코트</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sandal</source>
        <translation>샌들</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shirt</source>
        <translation>셔츠</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sneaker</source>
        <translation>운동화</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bag</source>
        <translation>가방</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Boot</source>
        <translation>부츠</translation>
    </message>
    <message>
        <location line="+160"/>
        <source>%1 images</source>
        <translation>이미지 %1장</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 train / %2 val</source>
        <translation>학습 %1 / 검증 %2</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>data stays here · %1</source>
        <translation>데이터는 여기 머뭅니다 · %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>data stays here</source>
        <translation>데이터는 여기 머묾</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>Central model (comparison)</source>
        <translation>중앙 모델 (비교용)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>trained on all %1 images together</source>
        <translation>이미지 %1장을 모두 함께 학습</translation>
    </message>
    <message>
        <location filename="../../ui/flow_arrows.cpp" line="+165"/>
        <source>weights</source>
        <translation>가중치</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>merged model</source>
        <translation>병합 모델</translation>
    </message>
    <message>
        <location filename="../../ui/flow_view.cpp" line="+85"/>
        <source>Test</source>
        <translation>시험</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Merge</source>
        <translation>병합</translation>
    </message>
    <message>
        <location filename="../../ui/flow_view.h" line="+33"/>
        <source>Fl&amp;ow</source>
        <translation>흐름(&amp;O)</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::HelpDialog</name>
    <message>
        <location filename="../../ui/help_dialog.cpp" line="+32"/>
        <source>Local rules: how each environment trains</source>
        <translation>로컬 규칙: 각 환경이 학습하는 방식</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>How merging works</source>
        <translation>병합은 이렇게 작동합니다</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::HistogramView</name>
    <message>
        <location filename="../../ui/histogram_view.cpp" line="+29"/>
        <source>%1: mean %2, std %3, min %4, max %5</source>
        <translation>%1: 평균 %2, 표준편차 %3, 최소 %4, 최대 %5</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Layer:</source>
        <translation>층:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Click a name in the legend to hide or show its histogram</source>
        <translation>범례의 이름을 누르면 그 히스토그램을 숨기거나 보입니다</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Weight value</source>
        <translation>가중치 값</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Count</source>
        <translation>개수</translation>
    </message>
    <message>
        <location line="+154"/>
        <source>No run yet: press Start</source>
        <translation>아직 실행이 없습니다: 시작을 누르세요</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No rounds yet</source>
        <translation>아직 라운드가 없습니다</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No weight histograms in this round</source>
        <translation>이 라운드에는 가중치 히스토그램이 없습니다</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Weight histograms, round %1</source>
        <translation>가중치 히스토그램, %1라운드</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weight histograms</source>
        <translation>가중치 히스토그램</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1, round %2</source>
        <translation>%1, %2라운드</translation>
    </message>
    <message>
        <location filename="../../ui/histogram_view.h" line="+26"/>
        <source>&amp;Weights</source>
        <translation>가중치(&amp;W)</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::InterpolationView</name>
    <message>
        <location filename="../../ui/interpolation_view.cpp" line="+15"/>
        <source>&amp;Path:</source>
        <translation>경로(&amp;P):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>11 points</source>
        <translation>11개 점</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>25 points</source>
        <translation>25개 점</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Full test set</source>
        <translation>전체 테스트 세트(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All test images instead of a fixed subset of %1, the same share of each class</source>
        <translation>클래스마다 같은 비율로 고른 %1장의 고정 부분집합 대신 모든 테스트 이미지</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Aligned</source>
        <translation>정렬(&amp;A)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>t: (1 - t) * A + t * B</source>
        <translation>t: (1 - t) * A + t * B</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Test accuracy (%)</source>
        <translation>테스트 정확도 (%)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Test loss</source>
        <translation>테스트 손실</translation>
    </message>
    <message>
        <location line="+14"/>
        <location line="+86"/>
        <source>No run yet: press Start</source>
        <translation>아직 실행이 없습니다: 시작을 누르세요</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>Env 1 → Env 2</source>
        <translation>환경 1 → 환경 2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>No rounds yet</source>
        <translation>아직 라운드가 없습니다</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>This run recorded no path between the environments (%1: %2).</source>
        <translation>이 실행은 환경 사이의 경로를 기록하지 않았습니다 (%1: %2).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Waiting for the test images to load</source>
        <translation>테스트 이미지를 불러오는 중입니다</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>the recorded environment 1 → 2 path</source>
        <translation>기록된 환경 1 → 2 경로</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>As the run recorded it after the round.</source>
        <translation>실행이 라운드 직후에 기록한 그대로입니다.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Computing %1 points on %2 test images…</source>
        <translation>테스트 이미지 %2장으로 %1개 점을 계산하는 중…</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Could not compute the path: %1</source>
        <translation>경로를 계산할 수 없습니다: %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Interpolation path</source>
        <translation>보간 경로</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>%1 accuracy</source>
        <translation>%1 정확도</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 loss (right axis)</source>
        <translation>%1 손실 (오른쪽 축)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Not aligned</source>
        <translation>정렬 안 함</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Path</source>
        <translation>경로</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Aligned</source>
        <translation>정렬함</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 (t = 0) → %2 (t = 1), round %3, %4 test images</source>
        <translation>%1 (t = 0) → %2 (t = 1), %3라운드, 테스트 이미지 %4장</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Barrier not aligned:</source>
        <translation>장벽(정렬 안 함):</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Barrier:</source>
        <translation>장벽:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Barrier aligned:</source>
        <translation>장벽(정렬함):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The lines coincide: the units already lined up (as after a shared initialisation), so alignment changed nothing.</source>
        <translation>두 선이 겹칩니다: 유닛이 이미 맞춰져 있어(공유 초기화 후처럼) 정렬이 아무것도 바꾸지 않았습니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Alignment is not available in this build.</source>
        <translation>이 빌드에서는 정렬을 쓸 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/interpolation_view.h" line="+32"/>
        <source>&amp;Interpolation</source>
        <translation>보간(&amp;I)</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::LessonController</name>
    <message>
        <location filename="../../ui/lesson_controller.cpp" line="+21"/>
        <source>&amp;Next step</source>
        <translation>다음 단계(&amp;N)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Replay as a &amp;lesson</source>
        <translation>수업으로 다시 보기(&amp;L)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Lesson: go on to the next step of the algorithm (Space or Right arrow)</source>
        <translation>수업: 알고리즘의 다음 단계로 넘어갑니다 (Space 또는 오른쪽 화살표)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Walk the opened run through every step of every round, with its numbers; Next goes on</source>
        <translation>열어 둔 실행을 라운드마다 단계별로, 그 실행의 수치와 함께 보여 줍니다. 다음 단계로 넘어갑니다</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>End of the lesson: every round of this run was shown. Replay it from the Run menu.</source>
        <translation>수업 끝: 이 실행의 모든 라운드를 보여 주었습니다. 실행 메뉴에서 다시 볼 수 있습니다.</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Lesson · %1 · Next (Space or →) goes on</source>
        <translation>수업 · %1 · 다음 단계(Space 또는 →)로 넘어갑니다</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::LessonGuide</name>
    <message>
        <location filename="../../ui/lesson.cpp" line="+49"/>
        <source>class %1</source>
        <translation>클래스 %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>classes %1</source>
        <translation>클래스 %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 and %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>environment %1 reached %2</source>
        <translation>환경 %1: %2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Each environment trained on its own images only. On its own validation data, %1.</source>
        <translation>각 환경은 자기 이미지로만 학습했습니다. 자기 검증 데이터에서의 정확도는 %1입니다.</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+10"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Each environment trained on its own images only. Accuracy of each on its own validation data: %1.</source>
        <translation>각 환경은 자기 이미지로만 학습했습니다. 각 환경의 자기 검증 데이터 정확도: %1.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 %</source>
        <translation>%1%</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Round %1 · step 1 of 4: local training</source>
        <translation>%1라운드 · 4단계 중 1단계: 로컬 학습</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Round %1 · step 2 of 4: merging</source>
        <translation>%1라운드 · 4단계 중 2단계: 병합</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 combined the %2 environments&apos; weights element by element into one model. Only weights travelled; no image left its environment.</source>
        <translation>%1 방법으로 환경 %2개의 가중치를 원소별로 합쳐 하나의 모델을 만들었습니다. 가중치만 옮겨졌고, 어떤 이미지도 자기 환경을 떠나지 않았습니다.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source> For comparison, the same models were also merged with %1.</source>
        <translation> 비교를 위해 같은 모델들을 %1 방법으로도 병합했습니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Round %1 · step 3 of 4: testing the merged model</source>
        <translation>%1라운드 · 4단계 중 3단계: 병합 모델 시험</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The merged model, %1, reaches %2 on the test images of all ten classes.</source>
        <translation>병합 모델(%1)은 10개 클래스 전체의 시험 이미지에서 %2에 이릅니다.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> For comparison: %1.</source>
        <translation> 비교: %1.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Round %1 · step 4 of 4: copying back</source>
        <translation>%1라운드 · 4단계 중 4단계: 되돌려 복사</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Every environment now holds the merged model (%1, %2 on the test images). That was the last round.</source>
        <translation>이제 모든 환경이 병합 모델(%1, 시험 이미지에서 %2)을 갖습니다. 이것이 마지막 라운드였습니다.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Every environment now holds the merged model (%1, %2 on the test images) and starts round %3 from it.</source>
        <translation>이제 모든 환경이 병합 모델(%1, 시험 이미지에서 %2)을 갖고, 이 모델에서 %3라운드를 시작합니다.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Round %1</source>
        <translation>%1라운드</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::LogPanel</name>
    <message>
        <location filename="../../ui/log_panel.cpp" line="+65"/>
        <source>Show:</source>
        <translation>보기:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Debug and above</source>
        <translation>디버그 이상</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Info and above</source>
        <translation>정보 이상</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warnings and errors</source>
        <translation>경고와 오류</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Errors only</source>
        <translation>오류만</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>trace</source>
        <translation>추적</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>debug</source>
        <translation>디버그</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>info</source>
        <translation>정보</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>warning</source>
        <translation>경고</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>error</source>
        <translation>오류</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>is not a PNG or JPEG image</source>
        <translation>PNG나 JPEG 이미지가 아닙니다</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>is not a regular file</source>
        <translation>일반 파일이 아닙니다</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>cannot be opened (%1)</source>
        <translation>열 수 없습니다 (%1)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>is larger than %1 MB</source>
        <translation>%1 MB보다 큽니다</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>claims %1 x %2 pixels, more than MergeLab decodes</source>
        <translation>%1 x %2 픽셀이라고 적혀 있어 MergeLab이 디코딩하는 크기를 넘습니다</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>is not a readable PNG (%1)</source>
        <translation>읽을 수 있는 PNG가 아닙니다 (%1)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>is a damaged PNG (%1)</source>
        <translation>손상된 PNG입니다 (%1)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>is a damaged JPEG (%1)</source>
        <translation>손상된 JPEG입니다 (%1)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>is too large to decode</source>
        <translation>디코딩하기에 너무 큽니다</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>has no pixels</source>
        <translation>픽셀이 없습니다</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>the baseline participant</source>
        <translation>기준선(중앙 학습) 참여자</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>environment %1</source>
        <translation>환경 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>(process %1 on %2, %3)</source>
        <translation>(%2의 프로세스 %1, %3)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>lane %1: %2</source>
        <translation>레인 %1: %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>reached the round limit of %1</source>
        <translation>라운드 한도 %1에 도달</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>every environment reached the target accuracy in round %1</source>
        <translation>%1라운드에서 모든 환경이 목표 정확도에 도달</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>stopped by the user after %n finished round(s)</source>
        <translation>
            <numerusform>%n라운드를 마친 뒤 사용자가 멈춤</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>stopped by the user before every environment joined</source>
        <translation>모든 환경이 참여하기 전에 사용자가 멈춤</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1; the finished rounds are kept</source>
        <translation>%1; 마친 라운드는 남아 있습니다</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1: %2 images decoded in %3 s (cached for the next run)</source>
        <translation>%1: 이미지 %2개를 %3초 만에 디코딩했습니다 (다음 실행을 위해 캐시에 저장)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1: %2 images read from the cache of their decoding in %3 s</source>
        <translation>%1: 디코딩해 둔 캐시에서 이미지 %2개를 %3초 만에 읽었습니다</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>replacing the previous run in %1</source>
        <translation>%1의 이전 실행을 바꿉니다</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>could not write the run files: %1</source>
        <translation>실행 파일을 쓰지 못했습니다: %1</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>listening on %1; waiting for %n environment(s)</source>
        <translation>
            <numerusform>%1에서 대기 중; 환경 %n개를 기다립니다</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>listening on %1; waiting for %n environment(s) and the baseline participant</source>
        <translation>
            <numerusform>%1에서 대기 중; 환경 %n개와 기준선(중앙 학습) 참여자를 기다립니다</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 joined</source>
        <translation>%1 참여</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 rejoined; it trains again from round %2</source>
        <translation>%1 다시 참여; %2라운드부터 다시 학습</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1; the run goes on without it (--min-envs %2)</source>
        <translation>%1; 실행은 그 환경 없이 계속됩니다 (--min-envs %2)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 sent nothing for %2 s</source>
        <translation>%1: %2초 동안 아무것도 보내지 않음</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>sending weights and messages took %1 s of %2 s of rounds (%3 %)</source>
        <translation>가중치와 메시지 전송: 라운드 %2초 중 %1초 (%3 %)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>loaded %1 training images from %2</source>
        <translation>%2에서 학습 이미지 %1장을 불러옴</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>joined the coordinator at %1 as %2 of %3</source>
        <translation>%1의 조정 프로세스에 참여: %2 (전체 %3개)</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>round %1: %n epoch(s), local accuracy %2 %</source>
        <translation>
            <numerusform>%1라운드: %n에포크, 로컬 정확도 %2 %</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>%1: skipped %n unreadable file(s) when it was decoded</source>
        <translation>
            <numerusform>%1: 디코딩할 때 읽을 수 없는 파일 %n개를 건너뛰었습니다</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%1: skipped %n unreadable file(s), first:</source>
        <translation>
            <numerusform>%1: 읽을 수 없는 파일 %n개를 건너뛰었습니다. 처음 몇 개:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mergelab::ui::LossChart</name>
    <message>
        <location filename="../../ui/loss_chart.cpp" line="+28"/>
        <source>Batch of this round (each model from 0)</source>
        <translation>이 라운드의 배치 (모델마다 0부터)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Training loss</source>
        <translation>학습 손실</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+82"/>
        <source>No training yet</source>
        <translation>아직 학습하지 않았습니다</translation>
    </message>
    <message>
        <location line="-67"/>
        <source>Round %1: training loss, batch by batch</source>
        <translation>%1라운드: 배치별 학습 손실</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lane %1, round %2: training loss, batch by batch</source>
        <translation>레인 %1, %2라운드: 배치별 학습 손실</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Waiting for the first batch</source>
        <translation>첫 배치를 기다리는 중</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Training loss, batch by batch</source>
        <translation>배치별 학습 손실</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>central</source>
        <translation>중앙</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::MainWindow</name>
    <message>
        <location filename="../../ui/main_window.cpp" line="+57"/>
        <source>MergeLab</source>
        <translation>MergeLab</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>What this tab shows (opens its paragraph of How merging works)</source>
        <translation>이 탭이 보여 주는 것 (병합은 이렇게 작동합니다에서 이 탭의 설명을 엽니다)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Help for this tab</source>
        <translation>이 탭 도움말</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Setup</source>
        <translation>설정</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Log</source>
        <translation>로그</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Round</source>
        <translation>라운드</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> Round </source>
        <translation> 라운드 </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Scrub through the rounds (all views follow)</source>
        <translation>라운드를 넘겨 보기 (모든 보기가 따라옴)</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+273"/>
        <source> no rounds yet </source>
        <translation> 아직 라운드 없음 </translation>
    </message>
    <message>
        <location line="-12"/>
        <location filename="../../ui/main_window_status.cpp" line="+23"/>
        <location line="+175"/>
        <source>Ready</source>
        <translation>준비됨</translation>
    </message>
    <message>
        <location filename="../../ui/main_window_status.cpp" line="-169"/>
        <source>Progress of the current epoch</source>
        <translation>현재 에포크 진행</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Progress of the whole run (the round limit)</source>
        <translation>전체 실행 진행 (라운드 한도까지)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.cpp" line="-231"/>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <location line="-23"/>
        <source>Lane:</source>
        <translation>레인:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Lanes mode: the lane every view shows (each lane is one experiment with one method)</source>
        <translation>레인 방식: 모든 보기가 보여 주는 레인 (레인마다 방법 하나로 실험 하나)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>&amp;Run</source>
        <translation>실행(&amp;R)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Start</source>
        <translation>시작(&amp;S)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Pause</source>
        <translation>일시 정지(&amp;P)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Step one &amp;round</source>
        <translation>한 라운드 진행(&amp;R)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Run one more round, then pause (F10)</source>
        <translation>한 라운드 더 돌린 뒤 일시 정지 (F10)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>S&amp;top</source>
        <translation>멈춤(&amp;T)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;How merging works</source>
        <translation>병합은 이렇게 작동합니다(&amp;H)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;About MergeLab</source>
        <translation>MergeLab 정보(&amp;A)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>About &amp;Qt</source>
        <translation>Qt 정보(&amp;Q)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run</source>
        <translation>실행</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Each environment K joins with: mergelab-cli env --connect %1 --rank K --token %2</source>
        <translation>각 환경 K는 다음으로 참여합니다: mergelab-cli env --connect %1 --rank K --token %2</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>starting: %1 split, %2 environments, %3 rounds; saving to %4</source>
        <translation>시작: %1 분할, 환경 %2개, %3라운드; 저장 위치 %4</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Loading the data…</source>
        <translation>데이터를 불러오는 중…</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Resume training (Ctrl+P)</source>
        <translation>학습 다시 시작 (Ctrl+P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pause after the current batch (Ctrl+P)</source>
        <translation>현재 배치 뒤에 일시 정지 (Ctrl+P)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source> round 1 under way </source>
        <translation> 1라운드 진행 중 </translation>
    </message>
    <message>
        <location line="+14"/>
        <source>seed %1</source>
        <translation>시드 %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1, seed %2</source>
        <translation>%1, 시드 %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 of %2: %3</source>
        <translation>%1/%2: %3</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (paused)</source>
        <translation> (일시 정지)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source> (running)</source>
        <translation> (진행 중)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Lane %1 of %2: %3 · </source>
        <translation>레인 %1/%2: %3 · </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Next tab</source>
        <translation>다음 탭</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Previous tab</source>
        <translation>이전 탭</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>could not save the screenshot to %1</source>
        <translation>화면을 %1에 저장하지 못했습니다</translation>
    </message>
    <message>
        <location line="+95"/>
        <source>ignored the saved setup: %1</source>
        <translation>저장된 설정을 무시했습니다: %1</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Quit MergeLab?</source>
        <translation>MergeLab을 끝낼까요?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A run is in progress. Quitting stops it before its first round has ended: nothing of it is kept.</source>
        <translation>실행이 진행 중입니다. 지금 끝내면 첫 라운드가 끝나기 전에 멈추므로 아무것도 남지 않습니다.</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>A run is in progress. Quitting stops it: the round in progress is lost, the %n finished round(s) stay saved in %1.</source>
        <translation>
            <numerusform>실행이 진행 중입니다. 끝내면 멈춥니다: 진행 중인 라운드는 잃고, 마친 %n라운드는 %1에 저장되어 남습니다.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Stop and quit</source>
        <translation>멈추고 끝내기</translation>
    </message>
    <message>
        <location filename="../../ui/main_window_status.cpp" line="-6"/>
        <location line="+80"/>
        <source>%p% of epoch</source>
        <translation>에포크 %p%</translation>
    </message>
    <message>
        <location line="-75"/>
        <source>run %p%</source>
        <translation>실행 %p%</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>central baseline</source>
        <translation>중앙 기준 모델</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Env %1</source>
        <translation>환경 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Round %1: %2 training, epoch %3, batch %4 of %5</source>
        <translation>%1라운드: %2 학습 중, 에포크 %3, 배치 %4/%5</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 images/s</source>
        <translation>초당 %1장</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>%p% decoded</source>
        <translation>%p% 디코딩</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decoding the image folder: %1 of %2 images (once; later runs read the cache)</source>
        <translation>이미지 폴더 디코딩: %2장 중 %1장 (한 번만; 다음 실행부터는 캐시를 읽음)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>decoding · ETA %1</source>
        <translation>디코딩 · 남은 시간 %1</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>took %1</source>
        <translation>%1 걸림</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>elapsed %1 · ETA %2</source>
        <translation>경과 %1 · 남은 시간 %2</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Paused in round %1: Resume (Ctrl+P) continues, Step (F10) ends the round and pauses again</source>
        <translation>%1라운드 중간에 일시정지: 재개(Ctrl+P)하면 계속하고, 한 라운드 진행(F10)은 이 라운드를 마친 뒤 다시 멈춥니다</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>Paused after %n finished round(s): Resume (Ctrl+P) continues, Step (F10) runs one more round</source>
        <translation>
            <numerusform>%n라운드를 마친 뒤 일시 정지: 다시 시작(Ctrl+P)으로 계속, 한 라운드 진행(F10)으로 한 라운드 더</numerusform>
        </translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Lane %1: %2</source>
        <translation>레인 %1: %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Run stopped</source>
        <translation>실행 중지됨</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Run ended: %1</source>
        <translation>실행 끝: %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.cpp" line="-271"/>
        <source>Stopping after the current batch…</source>
        <translation>현재 배치 뒤에 멈춥니다…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Start training (Ctrl+R)</source>
        <translation>학습 시작 (Ctrl+R)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot start: %1</source>
        <translation>시작할 수 없음: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Resume</source>
        <translation>다시 시작</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Pause</source>
        <translation>일시 정지</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Setup: %1</source>
        <translation>설정: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Setup:</source>
        <translation>설정:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source> %1 of %2 </source>
        <translation> %1 / %2 </translation>
    </message>
    <message>
        <location line="-97"/>
        <location filename="../../ui/main_window_open.cpp" line="+58"/>
        <source>MergeLab: %1</source>
        <translation>MergeLab: %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window_open.cpp" line="+9"/>
        <source>Cannot open run</source>
        <translation>실행을 열 수 없음</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>no test images for the samples view: %1</source>
        <translation>표본 보기에 쓸 시험 이미지가 없습니다: %1</translation>
    </message>
    <message>
        <location line="-34"/>
        <source>Opened %1: %2</source>
        <translation>%1 열림: %2</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Loading the test images from %1…</source>
        <translation>%1에서 테스트 이미지를 읽는 중…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.cpp" line="+209"/>
        <source>About MergeLab</source>
        <translation>MergeLab 정보</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;h3&gt;MergeLab %1&lt;/h3&gt;&lt;p&gt;Watch neural networks trained in separate environments being merged into one. Each environment trains on its own data; only weights travel.&lt;/p&gt;&lt;p&gt;Implements: Yun-Ho Lee, Su-Hang Lee, Hye-Jin Ju, Jong-Lark Lee, Ill-Young Weon, &lt;i&gt;Integration of neural network models trained in different environments&lt;/i&gt; (다른 환경에서 학습된 신경망 모델의 통합), Seoul Hoseo College / Yeungnam Technical College; journal version: Jong-Lark Lee, &lt;i&gt;Unification of Deep Learning Model trained by Parallel Learning in Security environment&lt;/i&gt;, JKSCI 26(12):69, 2021.&lt;/p&gt;&lt;p&gt;Data: Fashion-MNIST. Built with Qt, LibTorch and QCustomPlot.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;MergeLab %1&lt;/h3&gt;&lt;p&gt;서로 다른 환경에서 학습한 신경망이 하나로 병합되는 과정을 봅니다. 각 환경은 자기 데이터로만 학습하고, 오가는 것은 가중치뿐입니다.&lt;/p&gt;&lt;p&gt;구현한 논문: 이윤호, 이수항, 주혜진, 이종락, 원일용, &lt;i&gt;다른 환경에서 학습된 신경망 모델의 통합&lt;/i&gt;, 서울호서전문학교 / 영남이공대학; 학술지 판: 이종락, &lt;i&gt;Unification of Deep Learning Model trained by Parallel Learning in Security environment&lt;/i&gt;, JKSCI 26(12):69, 2021.&lt;/p&gt;&lt;p&gt;데이터: Fashion-MNIST. Qt, LibTorch, QCustomPlot으로 만들었습니다.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::MethodsView</name>
    <message>
        <location filename="../../ui/methods_view.cpp" line="+55"/>
        <source>&amp;Difference:</source>
        <translation>차이(&amp;D):</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>minus</source>
        <translation>빼기</translation>
    </message>
    <message>
        <location line="+85"/>
        <source>%1 minus %2</source>
        <translation>%1 빼기 %2</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>No run yet: press Start</source>
        <translation>아직 실행이 없습니다: 시작을 누르세요</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No rounds yet</source>
        <translation>아직 라운드가 없습니다</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Round %1: every merged model&apos;s confusion matrix on one scale (cell: share of the true class; rows: true class, columns: predicted).</source>
        <translation>%1라운드: 모든 병합 모델의 혼동 행렬을 같은 척도로 (칸: 실제 클래스 중 비율; 행: 실제 클래스, 열: 예측).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> Only one method was merged: compare more to see a difference.</source>
        <translation> 병합 방법이 하나뿐입니다: 차이를 보려면 더 비교하세요.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> Difference: blue where %1 has more images than %2, red where fewer; on the diagonal blue means %1 gets that class right more often.</source>
        <translation> 차이: %1이(가) %2보다 이미지가 많으면 파랑, 적으면 빨강; 대각선의 파랑은 %1이(가) 그 클래스를 더 자주 맞힌다는 뜻입니다.</translation>
    </message>
    <message>
        <location filename="../../ui/methods_view.h" line="+21"/>
        <source>&amp;Methods</source>
        <translation>방법 비교(&amp;M)</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::PresentationController</name>
    <message>
        <location filename="../../ui/presentation_controller.cpp" line="+48"/>
        <source>&amp;Presentation</source>
        <translation>발표 모드(&amp;P)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Full screen with large text for a room; F11 or Esc leaves it</source>
        <translation>교실에서 보기 좋게 글자를 키운 전체 화면입니다. F11 또는 Esc로 나갑니다</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Zoom &amp;in</source>
        <translation>확대(&amp;I)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Zoom &amp;out</source>
        <translation>축소(&amp;O)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Reset zoom</source>
        <translation>원래 크기(&amp;R)</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::ProvenanceView</name>
    <message>
        <location filename="../../ui/provenance_view.cpp" line="+70"/>
        <source>&amp;Method:</source>
        <translation>방법(&amp;M):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Layer:</source>
        <translation>층(&amp;L):</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Share of the layer&apos;s elements (%)</source>
        <translation>층 원소의 비율 (%)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Round</source>
        <translation>라운드</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>From Env 1 (%)</source>
        <translation>환경 1에서 (%)</translation>
    </message>
    <message>
        <location line="+163"/>
        <source>No run yet: press Start</source>
        <translation>아직 실행이 없습니다: 시작을 누르세요</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No rounds yet</source>
        <translation>아직 라운드가 없습니다</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>provenance</source>
        <translation>출처</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Provenance needs a method that takes each element from one environment (max, absmax);
this lane merges with %1 only: choose a lane with max or absmax above</source>
        <translation>출처는 원소마다 한 환경의 값을 고르는 방법(max, absmax)이 있어야 합니다;
이 레인은 %1(으)로만 병합합니다: 위에서 max나 absmax 레인을 고르세요</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Provenance needs a method that takes each element from one environment (max, absmax);
this run merges with %1 only</source>
        <translation>출처는 원소마다 한 환경의 값을 고르는 방법(max, absmax)이 있어야 합니다;
이 실행은 %1(으)로만 병합합니다</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Provenance</source>
        <translation>출처</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Where each layer came from (%1, round %2)</source>
        <translation>층마다 원소가 어디서 왔는지 (%1, %2라운드)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1: %2 of %3 (%4 %); </source>
        <translation>%1: %3개 중 %2개 (%4 %); </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sign flips, elements of the merged model whose sign is opposite to the environments&apos; mean: %1all layers %2 of %3 (%4 %)</source>
        <translation>부호 뒤집힘, 병합 모델에서 환경 평균과 부호가 반대인 원소: %1전체 층 %3개 중 %2개 (%4 %)</translation>
    </message>
    <message>
        <location line="+96"/>
        <source>Env 1&apos;s share per layer (%1)</source>
        <translation>층마다 환경 1의 비율 (%1)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>No element map: no method in this round takes each element from one environment</source>
        <translation>원소 지도 없음: 이 라운드에는 원소마다 한 환경의 값을 고르는 방법이 없습니다</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 in round %2, every element coloured by the environment %3 took it from</source>
        <translation>%2라운드의 %1, 각 원소를 %3이(가) 가져온 환경의 색으로</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Loading the models of round %1…</source>
        <translation>%1라운드의 모델을 불러오는 중…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Could not read the models: %1</source>
        <translation>모델을 읽을 수 없습니다: %1</translation>
    </message>
    <message>
        <location filename="../../ui/provenance_view.h" line="+31"/>
        <source>&amp;Provenance</source>
        <translation>출처(&amp;P)</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::SamplesGrid</name>
    <message>
        <location filename="../../ui/samples_view.cpp" line="+75"/>
        <location line="+62"/>
        <source>pred: %1</source>
        <translation>예측: %1</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>true: %1</source>
        <translation>실제: %1</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Test image %1: true %2, predicted %3</source>
        <translation>시험 이미지 %1: 실제 %2, 예측 %3</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::SamplesView</name>
    <message>
        <location line="+19"/>
        <source>Merged model:</source>
        <translation>병합 모델:</translation>
    </message>
    <message>
        <location line="+137"/>
        <source>No run yet</source>
        <translation>아직 실행 없음</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Start an experiment or open a run folder to see the test images a merged model gets wrong.</source>
        <translation>실험을 시작하거나 실행 폴더를 열면 병합 모델이 틀린 시험 이미지가 보입니다.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No merged model yet</source>
        <translation>아직 병합 모델 없음</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The first round is still training. Its mistakes appear here once the merged model is tested.</source>
        <translation>첫 라운드가 아직 학습 중입니다. 병합 모델을 시험하면 틀린 이미지가 여기 나타납니다.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Round %1</source>
        <translation>%1라운드</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The merged model &quot;%1&quot; was not evaluated in this round.</source>
        <translation>병합 모델 &quot;%1&quot;은 이 라운드에서 평가되지 않았습니다.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1, round %2</source>
        <translation>%1, %2라운드</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This run has no per-image predictions (it was saved by an older version of MergeLab), so its mistakes cannot be shown. The accuracy and confusion matrix are still available.</source>
        <translation>이 실행에는 이미지별 예측이 없어(이전 버전의 MergeLab으로 저장됨) 틀린 이미지를 보일 수 없습니다. 정확도와 혼동 행렬은 볼 수 있습니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The Fashion-MNIST test images are not loaded, so the mistakes cannot be shown.</source>
        <translation>Fashion-MNIST 시험 이미지를 불러오지 않아 틀린 이미지를 보일 수 없습니다.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This run has predictions for %1 test images but the loaded test set has %2: they do not belong together, so no mistakes are shown.</source>
        <translation>이 실행은 시험 이미지 %1장의 예측을 갖고 있지만 불러온 시험 세트는 %2장입니다: 서로 맞지 않아 틀린 이미지를 보이지 않습니다.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>%1: %2 of %3 test images wrong</source>
        <translation>%1: 시험 이미지 %3장 중 %2장 틀림</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (showing %1)</source>
        <translation> (%1장 표시)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No mistakes: every test image is classified correctly.</source>
        <translation>틀린 것이 없습니다: 모든 시험 이미지를 바르게 분류했습니다.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The loaded test set has labels but no images.</source>
        <translation>불러온 시험 세트에 레이블만 있고 이미지가 없습니다.</translation>
    </message>
    <message>
        <location filename="../../ui/samples_view.h" line="+26"/>
        <source>&amp;Samples</source>
        <translation>샘플(&amp;S)</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::ScatterView</name>
    <message>
        <location filename="../../ui/scatter_view.cpp" line="+63"/>
        <source>&amp;Layer:</source>
        <translation>층(&amp;L):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Colour:</source>
        <translation>색(&amp;C):</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;x:</source>
        <translation>&amp;x:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;y:</source>
        <translation>&amp;y:</translation>
    </message>
    <message>
        <location line="+32"/>
        <location line="+91"/>
        <source>No run yet: press Start</source>
        <translation>아직 실행이 없습니다: 시작을 누르세요</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No rounds yet</source>
        <translation>아직 라운드가 없습니다</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Loading the models of round %1…</source>
        <translation>%1라운드의 모델을 불러오는 중…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Could not read the models: %1</source>
        <translation>모델을 읽을 수 없습니다: %1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Weight scatter</source>
        <translation>가중치 산점도</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>%1&apos;s weight</source>
        <translation>%1의 가중치</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>merged value (%1)</source>
        <translation>병합 값 (%1)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1, round %2: %3 against %4</source>
        <translation>%1, %2라운드: %3 대 %4</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A fixed sample of %1 of the layer&apos;s %2 elements.</source>
        <translation>층의 원소 %2개 중 고정 표본 %1개.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>All %1 elements of the layer.</source>
        <translation>층의 원소 %1개 모두.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> On the dashed diagonal both environments hold the same value; far from it they drifted apart. The colour is what %1 made of the pair.</source>
        <translation> 점선 대각선 위에서는 두 환경의 값이 같고, 멀어질수록 서로 벌어진 것입니다. 색은 %1이(가) 그 쌍으로 만든 값입니다.</translation>
    </message>
    <message>
        <location filename="../../ui/scatter_view.h" line="+31"/>
        <source>Weight sca&amp;tter</source>
        <translation>가중치 산점도(&amp;T)</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::SetupPanel</name>
    <message>
        <location filename="../../ui/setup_panel.cpp" line="+223"/>
        <source>Preset:</source>
        <translation>프리셋:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Custom</source>
        <translation>사용자 지정</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quick demo finishes in about a minute; the paper presets repeat its two experiments</source>
        <translation>빠른 시연은 약 1분이면 끝나고, 논문 프리셋은 논문의 두 실험을 반복합니다</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Lesson: stop after each step</source>
        <translation>수업: 단계마다 멈춤</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The run halts after local training, merging, testing and copying back, and Flow explains each step with this run&apos;s numbers. Next (Space or Right arrow) goes on.</source>
        <translation>로컬 학습, 병합, 시험, 되돌려 복사가 끝날 때마다 실행이 멈추고, 흐름 탭이 이 실행의 수치로 각 단계를 설명합니다. 다음 단계(Space 또는 오른쪽 화살표)로 넘어갑니다.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Data</source>
        <translation>데이터</translation>
    </message>
    <message>
        <location line="+116"/>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Fashion-MNIST folder</source>
        <translation>Fashion-MNIST 폴더</translation>
    </message>
    <message>
        <location line="-121"/>
        <source>Environments</source>
        <translation>환경</translation>
    </message>
    <message>
        <location line="+137"/>
        <source>Tick which environment holds each class; every class at most once</source>
        <translation>각 클래스를 어느 환경이 가질지 표시하세요; 클래스마다 한 번까지</translation>
    </message>
    <message>
        <location line="+105"/>
        <source>Run as</source>
        <translation>실행 방식</translation>
    </message>
    <message>
        <location line="-241"/>
        <source>Merging</source>
        <translation>병합</translation>
    </message>
    <message>
        <location line="+189"/>
        <source>Compare on the same local models</source>
        <translation>같은 로컬 모델로 비교</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lanes: one experiment per method</source>
        <translation>레인: 방법마다 실험 하나</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the ticked methods, or e.g. avg,fedadam,avg+fedprox:mu=0.01</source>
        <translation>표시한 방법, 또는 예: avg,fedadam,avg+fedprox:mu=0.01</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Strategies</source>
        <translation>전략</translation>
    </message>
    <message>
        <location line="-205"/>
        <source>Training</source>
        <translation>학습</translation>
    </message>
    <message>
        <location filename="../../ui/setup_panel_checks.cpp" line="+65"/>
        <source>Ready: press Start (Ctrl+R)</source>
        <translation>준비됨: 시작을 누르세요 (Ctrl+R)</translation>
    </message>
    <message>
        <location line="+112"/>
        <source>Class counts appear once the data folder holds the training labels</source>
        <translation>데이터 폴더에 학습 레이블이 있으면 클래스 수가 나타납니다</translation>
    </message>
    <message>
        <location filename="../../ui/setup_panel.cpp" line="+334"/>
        <source>%1 holds class %2</source>
        <translation>%1이 클래스 %2를 가짐</translation>
    </message>
    <message>
        <location filename="../../ui/setup_panel_checks.cpp" line="-117"/>
        <source>A run is going on: the setup is locked until it ends (Stop ends it now).</source>
        <translation>실행 중입니다: 끝날 때까지 설정이 잠깁니다 (중지하면 지금 끝납니다).</translation>
    </message>
    <message>
        <location line="+112"/>
        <source>Listing the image folder…</source>
        <translation>이미지 폴더의 파일을 확인하는 중…</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>%1 is not a folder; choose the Fashion-MNIST folder</source>
        <translation>%1은 폴더가 아닙니다; Fashion-MNIST 폴더를 고르세요</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 holds neither train-images-idx3-ubyte(.gz) nor class folders of images</source>
        <translation>%1에 train-images-idx3-ubyte(.gz)도, 이미지의 클래스 폴더도 없습니다</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 reads colour images: choose a folder of images, or the model cnn</source>
        <translation>%1은(는) 컬러 이미지를 읽습니다: 이미지 폴더를 고르거나 모델 cnn을 고르세요</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 holds no class</source>
        <translation>%1에 클래스가 없습니다</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>class %1 (%2) is ticked for more than one environment</source>
        <translation>클래스 %1(%2)이 둘 이상의 환경에 표시되어 있습니다</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <location filename="../../ui/environments_choice.cpp" line="+18"/>
        <source>Threads in this app</source>
        <translation>이 앱의 스레드</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Separate processes on this computer</source>
        <translation>이 컴퓨터의 별도 프로세스</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Other computers</source>
        <translation>다른 컴퓨터</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Separate processes each hold only their own training data and send weights to this app; other computers join with the address and token shown. Nothing is encrypted: use a trusted network.</source>
        <translation>별도 프로세스는 각자 자기 학습 데이터만 가지고 이 앱에 가중치를 보냅니다; 다른 컴퓨터는 표시된 주소와 토큰으로 참여합니다. 아무것도 암호화되지 않으니 신뢰할 수 있는 네트워크에서만 쓰세요.</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::SummaryView</name>
    <message>
        <location filename="../../ui/summary_view.cpp" line="+183"/>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Test accuracy, last round</source>
        <translation>시험 정확도, 마지막 라운드</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Best (round)</source>
        <translation>최고 (라운드)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Rounds</source>
        <translation>라운드</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How it ended</source>
        <translation>끝난 방식</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Time</source>
        <translation>시간</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No run yet: start one, or open a run folder. Its methods (or lanes) are compared here.</source>
        <translation>아직 실행 없음: 실행을 시작하거나 실행 폴더를 여세요. 그 방법(또는 레인)을 여기서 비교합니다.</translation>
    </message>
    <message numerus="yes">
        <location line="+14"/>
        <source>Lanes side by side: %1 of %n lane(s), each a whole experiment with one merge method, the same seed, initial weights and data order</source>
        <translation>
            <numerusform>레인 나란히: %n개 레인 중 %1개, 각각 병합 방법 하나로 같은 시드, 초기 가중치, 데이터 순서를 쓰는 전체 실험</numerusform>
        </translation>
    </message>
    <message>
        <location line="+10"/>
        <source>lane %1 (%2 of %3)</source>
        <translation>레인 %1 (%3 중 %2)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>no round yet</source>
        <translation>아직 라운드 없음</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+31"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location line="-26"/>
        <source>paused</source>
        <translation>일시 정지</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+28"/>
        <source>running</source>
        <translation>진행 중</translation>
    </message>
    <message>
        <location line="-26"/>
        <location line="+27"/>
        <source>%1 s</source>
        <translation>%1초</translation>
    </message>
    <message>
        <location line="-21"/>
        <source>Merged models side by side: every method merged the same local models each round</source>
        <translation>병합 모델 나란히: 모든 방법이 매 라운드 같은 로컬 모델을 병합했습니다</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 (copied back)</source>
        <translation>%1 (되돌려 복사됨)</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Strategy</source>
        <translation>전략</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Seeds</source>
        <translation>시드 수</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Final accuracy (%)</source>
        <translation>최종 정확도 (%)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last %1 rounds (%)</source>
        <translation>마지막 %1 라운드 (%)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Final minus %1</source>
        <translation>최종 − %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last %1 minus %2</source>
        <translation>마지막 %1 − %2</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Repeats: every strategy ran with %n seed(s). Each cell: mean ± sample standard deviation over the seeds [95 % Student-t interval of the mean]. The last two columns subtract %1&apos;s figure seed by seed; an interval that excludes 0 means the difference holds across seeds.</source>
        <translation>
            <numerusform>반복: 모든 전략을 시드 %n개로 실행했습니다. 각 칸: 시드에 걸친 평균 ± 표본 표준편차 [평균의 95 % Student-t 구간]. 마지막 두 열은 시드마다 %1의 값을 뺀 차이이며, 구간이 0을 포함하지 않으면 그 차이는 시드가 바뀌어도 유지됩니다.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+17"/>
        <source>%1 (primary)</source>
        <translation>%1 (기본)</translation>
    </message>
    <message>
        <location filename="../../ui/summary_view.h" line="+26"/>
        <source>S&amp;ummary</source>
        <translation>요약(&amp;U)</translation>
    </message>
</context>
<context>
    <name>mergelab::ui::Traffic</name>
    <message>
        <location filename="../../ui/traffic.cpp" line="+34"/>
        <source>GB</source>
        <translation>GB</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>MB</source>
        <translation>MB</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>KB</source>
        <translation>KB</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>B</source>
        <translation>B</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>↑ %1 weights</source>
        <translation>↑ 가중치 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>weights</source>
        <translation>가중치</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+18"/>
        <source>+ %1 statistics</source>
        <translation>+ 통계 %1</translation>
    </message>
    <message>
        <location line="-16"/>
        <location line="+18"/>
        <source>statistics</source>
        <translation>통계</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>↓ %1 merged model</source>
        <translation>↓ 병합 모델 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>merged model</source>
        <translation>병합 모델</translation>
    </message>
</context>
</TS>
