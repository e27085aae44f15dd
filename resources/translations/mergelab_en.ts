<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>QObject</name>
    <message numerus="yes">
        <source>reached the target accuracy after %n round(s)</source>
        <translation>
            <numerusform>reached the target accuracy after %n round</numerusform>
            <numerusform>reached the target accuracy after %n rounds</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>finished all %n round(s)</source>
        <translation>
            <numerusform>finished all %n round</numerusform>
            <numerusform>finished all %n rounds</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>stopped by the user after %n finished round(s)</source>
        <translation>
            <numerusform>stopped by the user after %n finished round</numerusform>
            <numerusform>stopped by the user after %n finished rounds</numerusform>
        </translation>
    </message>
    <message numerus="yes">
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
        <source>, %n environment(s)</source>
        <translation>
            <numerusform>, %n environment</numerusform>
            <numerusform>, %n environments</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mergelab::ui::MainWindow</name>
    <message numerus="yes">
        <source>A run is in progress. Quitting stops it: the round in progress is lost, the %n finished round(s) stay saved in %1.</source>
        <translation>
            <numerusform>A run is in progress. Quitting stops it: the round in progress is lost, the %n finished round stays saved in %1.</numerusform>
            <numerusform>A run is in progress. Quitting stops it: the round in progress is lost, the %n finished rounds stay saved in %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Paused after %n finished round(s): Resume (Ctrl+P) continues, Step (F10) runs one more round</source>
        <translation>
            <numerusform>Paused after %n finished round: Resume (Ctrl+P) continues, Step (F10) runs one more round</numerusform>
            <numerusform>Paused after %n finished rounds: Resume (Ctrl+P) continues, Step (F10) runs one more round</numerusform>
        </translation>
    </message>
</context>
</TS>
