<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>QObject</name>
    <message numerus="yes">
        <location filename="../../ui/messages.cpp" line="+19"/>
        <source>reached the target accuracy after %n round(s)</source>
        <translation>
            <numerusform>reached the target accuracy after %n round</numerusform>
            <numerusform>reached the target accuracy after %n rounds</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>finished all %n round(s)</source>
        <translation>
            <numerusform>finished all %n round</numerusform>
            <numerusform>finished all %n rounds</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>stopped by the user after %n finished round(s)</source>
        <translation>
            <numerusform>stopped by the user after %n finished round</numerusform>
            <numerusform>stopped by the user after %n finished rounds</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>diverged after %n round(s)</source>
        <translation>
            <numerusform>diverged after %n round</numerusform>
            <numerusform>diverged after %n rounds</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mergelab::ui::AccuracyChart</name>
    <message numerus="yes">
        <location filename="../../ui/accuracy_chart.cpp" line="+395"/>
        <source>Test accuracy over %n seed(s): the mean, in a band of %1</source>
        <translation>
            <numerusform>Test accuracy over %n seed: the mean, in a band of %1</numerusform>
            <numerusform>Test accuracy over %n seeds: the mean, in a band of %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="-332"/>
        <source>, %n environment(s)</source>
        <translation>
            <numerusform>, %n environment</numerusform>
            <numerusform>, %n environments</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mergelab::ui::FlowView</name>
    <message numerus="yes">
        <location filename="../../ui/flow_view.cpp" line="+398"/>
        <source>What Start does: every environment trains on its own images only (%1 split); their weights meet in the middle and are merged with %2; the merged model is tested on the test images and copied back to every environment; and again, up to %n round(s).</source>
        <translation>
            <numerusform>What Start does: every environment trains on its own images only (%1 split); their weights meet in the middle and are merged with %2; the merged model is tested on the test images and copied back to every environment; and again, up to %n round.</numerusform>
            <numerusform>What Start does: every environment trains on its own images only (%1 split); their weights meet in the middle and are merged with %2; the merged model is tested on the test images and copied back to every environment; and again, up to %n rounds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mergelab::ui::LogPanel</name>
    <message numerus="yes">
        <location filename="../../ui/log_panel.cpp" line="+193"/>
        <source>stopped by the user after %n finished round(s)</source>
        <translation>
            <numerusform>stopped by the user after %n finished round</numerusform>
            <numerusform>stopped by the user after %n finished rounds</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+25"/>
        <source>listening on %1; waiting for %n environment(s)</source>
        <translation>
            <numerusform>listening on %1; waiting for %n environment</numerusform>
            <numerusform>listening on %1; waiting for %n environments</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>listening on %1; waiting for %n environment(s) and the baseline participant</source>
        <translation>
            <numerusform>listening on %1; waiting for %n environment and the baseline participant</numerusform>
            <numerusform>listening on %1; waiting for %n environments and the baseline participant</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+33"/>
        <source>round %1: %n epoch(s), local accuracy %2 %</source>
        <translation>
            <numerusform>round %1: %n epoch, local accuracy %2 %</numerusform>
            <numerusform>round %1: %n epochs, local accuracy %2 %</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>%1: skipped %n unreadable file(s) when it was decoded</source>
        <translation>
            <numerusform>%1: skipped %n unreadable file when it was decoded</numerusform>
            <numerusform>%1: skipped %n unreadable files when it was decoded</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%1: skipped %n unreadable file(s), first:</source>
        <translation>
            <numerusform>%1: skipped %n unreadable file, first:</numerusform>
            <numerusform>%1: skipped %n unreadable files, first:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mergelab::ui::MainWindow</name>
    <message numerus="yes">
        <location filename="../../ui/main_window.cpp" line="+616"/>
        <source>A run is in progress. Quitting stops it: the round in progress is lost, the %n finished round(s) stay saved in %1.</source>
        <translation>
            <numerusform>A run is in progress. Quitting stops it: the round in progress is lost, the %n finished round stays saved in %1.</numerusform>
            <numerusform>A run is in progress. Quitting stops it: the round in progress is lost, the %n finished rounds stay saved in %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/main_window_status.cpp" line="+154"/>
        <source>Paused after %n finished round(s): Resume (Ctrl+P) continues, Step (F10) runs one more round</source>
        <translation>
            <numerusform>Paused after %n finished round: Resume (Ctrl+P) continues, Step (F10) runs one more round</numerusform>
            <numerusform>Paused after %n finished rounds: Resume (Ctrl+P) continues, Step (F10) runs one more round</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mergelab::ui::SummaryView</name>
    <message numerus="yes">
        <location filename="../../ui/summary_view.cpp" line="+201"/>
        <source>Lanes side by side: %1 of %n lane(s), each a whole experiment with one merge method, the same seed, initial weights and data order</source>
        <translation>
            <numerusform>Lanes side by side: %1 of %n lane, each a whole experiment with one merge method, the same seed, initial weights and data order</numerusform>
            <numerusform>Lanes side by side: %1 of %n lanes, each a whole experiment with one merge method, the same seed, initial weights and data order</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+76"/>
        <source>Repeats: every strategy ran with %n seed(s). Each cell: mean ± sample standard deviation over the seeds [95 % Student-t interval of the mean]. The last two columns subtract %1&apos;s figure seed by seed; an interval that excludes 0 means the difference holds across seeds.</source>
        <translation>
            <numerusform>Repeats: every strategy ran with %n seed. Each cell: mean ± sample standard deviation over the seeds [95 % Student-t interval of the mean]. The last two columns subtract %1&apos;s figure seed by seed; an interval that excludes 0 means the difference holds across seeds.</numerusform>
            <numerusform>Repeats: every strategy ran with %n seeds. Each cell: mean ± sample standard deviation over the seeds [95 % Student-t interval of the mean]. The last two columns subtract %1&apos;s figure seed by seed; an interval that excludes 0 means the difference holds across seeds.</numerusform>
        </translation>
    </message>
</context>
</TS>
