' The procedures of xlwings' VBA module that nianbao.xlam replaces (nianbao.addin.build puts
' each in place of the stock procedure of the same name).  Why: a workbook sent by another
' office must not choose the interpreter, the settings, the paths or the code that runs when
' the coordinator clicks a button.
'  - GetConfig reads the add-in's own nianbao.conf sheet and the user's own
'    %USERPROFILE%\.nianbao\nianbao.conf only: never a sheet of the active workbook, never a
'    nianbao.conf file in its folder.
'  - RunPython has no embedded-code branch (xlwings PRO would run a workbook's *.py sheets), and
'    keeps the workbook's folder off sys.path.
'  - Python starts in a fixed folder, and its first statement drops the current folder from
'    sys.path (SAFE_PATH: `python -c` puts it first; -P exists only from Python 3.11 on).
'  - With no workbook open, RunPython works on the add-in itself (Consolidate and Last year need none).
'  - The xlwings DLL is loaded from the folder `nianbao addin install` recorded (DLL_DIR).

Private Const SAFE_PATH As String = "import sys;sys.path[:]=[p for p in sys.path if p not in ['','.']];"

Public Function RunPython(PythonCommand As String)
    ' RunPython "import bar; bar.foo()": run Python on the active workbook (or, with none open,
    ' on this add-in), with the interpreter of the add-in's settings.
    Dim interpreter As String
    interpreter = GetConfig("INTERPRETER_WIN", "")
    If interpreter = "" Then interpreter = GetConfig("INTERPRETER", "python")
    RunPython = ExecuteWindows(PythonCommand, interpreter)
End Function

Function ExecuteWindows(PythonCommand As String, PYTHON_WIN As String) As Integer
    Dim WindowStyle As Integer, LOG_FILE As String, ExitCode As Long, Target As Object

    If UCase$(GetConfig("SHOW CONSOLE", "False")) = "TRUE" Then WindowStyle = 1 Else WindowStyle = 0
    LOG_FILE = Environ("Temp") & "\xlwings-" & CreateGUID() & ".log"
    If PYTHON_WIN <> "python" And PYTHON_WIN <> "pythonw" Then
        If Not FileExists(PYTHON_WIN) Then
            Err.Raise NB_ERROR, "nianbao", Replace(NbText("no_python"), "{python}", PYTHON_WIN)
        End If
    End If
    Set Target = ActiveWorkbook
    If Target Is Nothing Then Set Target = ThisWorkbook

    ExitCode = WScript.Run(RunPythonCommandLine(PythonCommand, PYTHON_WIN, Environ("SystemRoot"), Target.Name, _
                           Application.Path & "\" & Application.Name, CStr(Application.Hwnd), LOG_FILE), _
                           WindowStyle, True)
    If ExitCode <> 0 Then
        Call ShowError(LOG_FILE)
        ExecuteWindows = -1
    End If
    On Error Resume Next
        Kill LOG_FILE
    On Error GoTo 0
End Function

Function RunPythonCommandLine(PythonCommand As String, PYTHON_WIN As String, SystemRoot As String, _
                              BookName As String, AppPath As String, Hwnd As String, LogFile As String) As String
    ' The command RunPython runs, decided by its arguments alone: cmd.exe first changes to a folder
    ' no received file chooses -- the interpreter's own (xlwings does so: pywin32 finds its DLLs
    ' there), or Windows' for a python found on PATH (cmd.exe looks for a program in the current
    ' folder first, and that is wherever Excel last opened a file) -- then runs Python, whose first
    ' statement drops the current folder from sys.path.
    Dim PythonInterpreter As String
    If PYTHON_WIN = "python" Or PYTHON_WIN = "pythonw" Then
        PythonInterpreter = PYTHON_WIN
    Else
        PythonInterpreter = Chr(34) & PYTHON_WIN & Chr(34)
    End If
    If InStr(BookName, Chr(34)) > 0 Then
        Err.Raise NB_ERROR, "nianbao", Replace(NbText("bad_name"), "{file}", BookName)
    End If
    RunPythonCommandLine = "cmd.exe /C " & StartIn(PYTHON_WIN, SystemRoot) & PythonInterpreter & " -B -c " & _
                           Chr(34) & SAFE_PATH & PythonCommand & Chr(34) & _
                           " --wb=" & Chr(34) & BookName & Chr(34) & " --from_xl=1" & _
                           " --app=" & Chr(34) & AppPath & Chr(34) & _
                           " --hwnd=" & Chr(34) & Hwnd & Chr(34) & _
                           " 2> " & Chr(34) & LogFile & Chr(34) & " "
End Function

Private Function StartIn(PYTHON_WIN As String, SystemRoot As String) As String
    ' The cmd.exe step into the folder Python starts in, for RunPython and the UDF server alike:
    ' the interpreter's own, or Windows' for a program named without its folder -- never one a
    ' received file chooses. cd cannot enter a UNC path; pushd maps it to a drive letter.
    Dim Folder As String
    If PYTHON_WIN = "python" Or PYTHON_WIN = "pythonw" Then
        Folder = SystemRoot
    Else
        Folder = ParentFolder(PYTHON_WIN)
    End If
    If Left$(Folder, 2) = "\\" Then
        StartIn = "pushd " & Chr(34) & Folder & Chr(34) & " && "
    Else
        StartIn = "cd /d " & Chr(34) & Folder & Chr(34) & " && "
    End If
End Function

Function XLPyCommand()
    ' The command xlwings' DLL starts the UDF server with (it replaces $(CLSID)).
    Dim PYTHON_WIN As String, ConsoleSwitch As String
    PYTHON_WIN = GetConfig("INTERPRETER_WIN", "")
    If PYTHON_WIN = "" Then PYTHON_WIN = GetConfig("INTERPRETER", "pythonw")
    If UCase$(GetConfig("SHOW CONSOLE", "False")) = "TRUE" Then ConsoleSwitch = "/showconsole" Else ConsoleSwitch = ""
    XLPyCommand = UdfCommandLine(PYTHON_WIN, ConsoleSwitch, Environ("SystemRoot"))
End Function

Function UdfCommandLine(PYTHON_WIN As String, ConsoleSwitch As String, SystemRoot As String) As String
    ' xlwings' structure, cmd.exe /K ""python.exe" -B -c "..."" (cmd strips the outer quotes).
    ' Started in a fixed folder, as RunPython is: the interpreter's own (Windows' folder for a
    ' program named without its folder), never Excel's current one, which may be a received
    ' workbook's; SAFE_PATH also drops the current folder from sys.path before xlwings is imported.
    UdfCommandLine = "cmd.exe " & ConsoleSwitch & " /K " & Chr(34) & StartIn(PYTHON_WIN, SystemRoot) & _
                     Chr(34) & PYTHON_WIN & Chr(34) & _
                     " -B -c " & Chr(34) & SAFE_PATH & "import xlwings; xlwings.serve('$(CLSID)')" & Chr(34) & Chr(34)
End Function

Private Sub XLPyLoadDLL()
    Dim PYTHON_WIN As String, DllDir As String
    DllDir = GetConfig("DLL_DIR", "")
    If DllDir <> "" Then
        ' recorded by `nianbao addin install`: where pip put the DLL of this Python's xlwings
        If LoadLibrary(DllDir & "\" & XLPyDLLName) = 0 Then
            Err.Raise 1, Description:=Replace(NbText("no_dll"), "{file}", DllDir & "\" & XLPyDLLName)
        End If
        Exit Sub
    End If
    PYTHON_WIN = GetConfig("INTERPRETER_WIN", "")
    If PYTHON_WIN = "" Then PYTHON_WIN = GetConfig("INTERPRETER", "pythonw")
    If PYTHON_WIN <> "python" And PYTHON_WIN <> "pythonw" Then
        If LoadLibrary(ParentFolder(PYTHON_WIN) + "\" + XLPyDLLName) = 0 Then  ' Standard installation
            If LoadLibrary(ParentFolder(ParentFolder(PYTHON_WIN)) + "\" + XLPyDLLName) = 0 Then  ' Virtualenv
                Err.Raise 1, Description:=Replace(NbText("no_dll"), "{file}", _
                    ParentFolder(PYTHON_WIN) & "\" & XLPyDLLName)
            End If
        End If
    End If
End Sub

Function GetConfig(configKey As String, Optional default As String = "", Optional source As String = "") As Variant
    ' The add-in's own nianbao.conf sheet, then the user's own file, then the default.  Never the
    ' active workbook's sheets or folder: the workbook may come from another office.
    Dim configValue As String

    If source = "" Or source = "sheet" Then
        If SheetExists(ThisWorkbook, PROJECT_NAME & ".conf") = True Then
            If GetConfigFromSheet(ThisWorkbook).Exists(configKey) = True Then
                GetConfig = GetConfigFromSheet(ThisWorkbook).Item(configKey)
                GetConfig = ExpandEnvironmentStrings(GetConfig)
                Exit Function
            End If
        End If
    End If

    If source = "" Or source = "user" Then
        If FileExists(GetConfigFilePath()) = True Then
            If GetConfigFromFile(GetConfigFilePath(), configKey, configValue) Then
                GetConfig = configValue
                GetConfig = ExpandEnvironmentStrings(GetConfig)
                Exit Function
            End If
        End If
    End If

    GetConfig = default
    GetConfig = ExpandEnvironmentStrings(GetConfig)
End Function
