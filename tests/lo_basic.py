"""Running the add-in's own VBA in LibreOffice Basic, headless, on a real workbook.

Excel does not run here; LibreOffice runs VBA modules of a macro workbook in its VBA
compatibility mode.  :func:`macro_workbook` turns a workbook into an .xlsm whose VBA project
holds the add-in's ``NianbaoRun`` and ``NianbaoText`` modules exactly as the build writes them,
plus a test driver; :func:`run_driver` starts LibreOffice with a private profile whose own macro
(trusted: it lives in the profile) opens that workbook with macros enabled, calls the driver
with a manifest of tasks, saves the workbook as .xlsx and quits.

The driver writes every string as its UTF-16 code units (decimal numbers), so what the VBA
decoded is compared exactly, whatever encoding a Basic file statement would use.
"""
from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

from nianbao.addin import ovba

LIBRARY = "NbTest"  # the test project's name (LibreOffice names the Basic library after it)

DRIVER = r'''Attribute VB_Name = "NbTestDriver"
' Test driver: runs the tasks of a manifest (one "mode<TAB>argument" a line) and returns one
' result line per task.  Strings are written as their UTF-16 code units.
Option Explicit

Public Function NbTestRun(ByVal manifest As String) As String
    Dim f As Integer, line As String, out As String, parts() As String
    f = FreeFile
    Open manifest For Input As #f
    Do While Not EOF(f)
        Line Input #f, line
        If line <> "" Then
            parts = Split(line, vbTab)
            out = out & NbTestTask(parts(0), parts(1)) & vbLf
        End If
    Loop
    Close #f
    NbTestRun = out
End Function

Private Function NbTestTask(ByVal mode As String, ByVal arg As String) As String
    Dim plan As Variant, bytes As Variant, data(0 To 3) As Byte, bar As Long, f() As String
    On Error GoTo failed
    Select Case mode
        Case "parse"
            NbTestTask = "OK" & vbTab & NbTestDump(NbParsePlan(NbTestRead(arg)))
        Case "paint"
            plan = NbParsePlan(NbTestRead(arg))
            NbPaint ThisWorkbook, plan
            NbTestTask = "OK"
        Case "utf8"
            NbTestTask = "OK" & vbTab & NbTestBytes(NbUtf8(NbTestString(arg)))
        Case "multipart"
            data(0) = 0: data(1) = 80: data(2) = 75: data(3) = 255
            NbTestTask = "OK" & vbTab & NbTestBytes(NbMultipart("b0undary", NbTestString(arg), data))
        Case "freename"
            bar = InStr(arg, "|")
            NbTestTask = "OK" & vbTab & NbTestCodes(NbFreeName(Left$(arg, bar - 1), NbTestString(Mid$(arg, bar + 1)), ".docx"))
        Case "literal"
            NbTestTask = "OK" & vbTab & NbTestCodes(NbLiteral(NbTestString(arg)))
        Case "text"
            NbTestTask = "OK" & vbTab & NbTestCodes(NbText(arg))
        Case "runcmd"  ' the rewritten xlwings module's command lines, fields joined by "|"
            f = Split(NbTestString(arg), "|")
            NbTestTask = "OK" & vbTab & NbTestCodes(RunPythonCommandLine(f(0), f(1), f(2), f(3), f(4), f(5), f(6)))
        Case "udfcmd"
            f = Split(NbTestString(arg), "|")
            NbTestTask = "OK" & vbTab & NbTestCodes(UdfCommandLine(f(0), f(1), f(2)))
        Case "button"  ' a ribbon procedure without xlwings' module: its handler must catch that
            If arg = "consolidate" Then NB_consolidate Nothing
            If arg = "validate" Then NB_validate Nothing
            NbTestTask = "OK"
    End Select
    Exit Function
failed:
    NbTestTask = "ERROR" & vbTab & Err.Number & vbTab & NbTestCodes(Err.Description)
End Function

' The file's bytes as the reply's body would be, decoded by the add-in's own NbBytesText.
Private Function NbTestRead(ByVal path As String) As String
    Dim f As Integer, b() As Byte
    f = FreeFile
    Open path For Binary Access Read As #f
    ReDim b(0 To LOF(f) - 1)
    Get #f, , b
    Close #f
    NbTestRead = NbBytesText(b)
End Function

' "20013 25991" -> the string of those code units
Private Function NbTestString(ByVal codes As String) As String
    Dim c As Variant, s As String
    For Each c In Split(Trim$(codes), " ")
        If c <> "" Then
            If CLng(c) > 32767 Then s = s & ChrW(CLng(c) - 65536) Else s = s & ChrW(CLng(c))
        End If
    Next c
    NbTestString = s
End Function

Private Function NbTestCodes(ByVal s As String) As String
    Dim k As Long, out As String
    For k = 1 To Len(s)
        out = out & " " & (AscW(Mid$(s, k, 1)) And &HFFFF&)
    Next k
    NbTestCodes = Trim$(out)
End Function

Private Function NbTestBytes(b As Variant) As String
    Dim k As Long, out As String
    For k = LBound(b) To UBound(b)
        out = out & " " & b(k)
    Next k
    NbTestBytes = Trim$(out)
End Function

' records separated by "|", fields by ";": S<codes>, N<number>, E (Empty)
Private Function NbTestDump(plan As Variant) As String
    Dim i As Long, k As Long, rec As Variant, out As String, v As Variant
    For i = LBound(plan) To UBound(plan)
        rec = plan(i)
        If i > LBound(plan) Then out = out & "|"
        For k = LBound(rec) To UBound(rec)
            v = rec(k)
            If k > LBound(rec) Then out = out & ";"
            If IsEmpty(v) Then
                out = out & "E"
            ElseIf VarType(v) = vbString Then
                out = out & "S" & NbTestCodes(v)
            Else
                out = out & "N" & Trim$(Str(v))
            End If
        Next k
    Next i
    NbTestDump = out
End Function
'''

PROFILE_MACRO = '''<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Main
  Dim args(1) As New com.sun.star.beans.PropertyValue, store(0) As New com.sun.star.beans.PropertyValue
  Dim doc As Object, script As Object, result As String, f As Integer
  On Error GoTo bad
  args(0).Name = "MacroExecutionMode"
  args(0).Value = 4
  args(1).Name = "Hidden"
  args(1).Value = True
  doc = StarDesktop.loadComponentFromURL("{doc}", "_blank", 0, args())
  script = doc.getScriptProvider().getScript("vnd.sun.star.script:{library}.NbTestDriver.NbTestRun?language=Basic&amp;location=document")
  result = script.invoke(Array("{manifest}"), Array(), Array())
  store(0).Name = "FilterName"
  store(0).Value = "Calc MS Excel 2007 XML"
  doc.storeToURL("{out}", store())
  doc.close(True)
  f = FreeFile
  Open "{result}" For Output As #f
  Print #f, result
  Close #f
  StarDesktop.terminate()
  Exit Sub
bad:
  f = FreeFile
  Open "{result}" For Output As #f
  Print #f, "HARNESS" &amp; Chr(9) &amp; Err &amp; Chr(9) &amp; Error$
  Close #f
  StarDesktop.terminate()
End Sub
</script:module>
'''


def macro_workbook(xlsx: Path, out: Path, project: bytes | None = None) -> Path:
    """``xlsx`` as an .xlsm holding the add-in's NianbaoRun and NianbaoText (as built) and the
    test driver; or, given ``project`` (a built add-in's vbaProject.bin), all of that project's
    modules and the driver."""
    from nianbao.addin.build import find_xlwings, run_module, stock_files, text_module

    driver = ovba.Module("NbTestDriver", ovba.PROCEDURAL, DRIVER.replace("\n", "\r\n"))
    if project is not None:
        stock = ovba.read_project(project)
        # LibreOffice compiles every module of a project before it runs any, and two cannot be
        # compiled there: xlwings' Dictionary class (VBA-Dictionary, for the Mac), and the xlwings
        # module, whose #If/#Else blocks (Mac, Win64, VBA7) LibreOffice Basic does not honour
        modules = [*(m for m in stock.modules if m.name not in ("Dictionary", "xlwings")), driver]
    else:
        parts, stock_module = stock_files(find_xlwings())
        stock = ovba.read_project(parts["xl/vbaProject.bin"])
        modules = [stock.module("ThisWorkbook"),
                   ovba.Module("NianbaoRun", ovba.PROCEDURAL, run_module()),
                   ovba.Module("NianbaoText", ovba.PROCEDURAL, text_module()),
                   ovba.Module("XlwingsCommands", ovba.PROCEDURAL, xlwings_commands(stock_module)),
                   driver]
    vba = ovba.write_project(ovba.Project(stock.head, stock.codepage, stock.properties,
                                          stock.host_extenders, modules), LIBRARY)
    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                data = data.replace(b"</Types>", b'<Override PartName="/xl/vbaProject.bin" '
                                    b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            elif name == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdNbVba" Type="http://'
                                    b'schemas.microsoft.com/office/2006/relationships/vbaProject" '
                                    b'Target="vbaProject.bin"/></Relationships>')
            elif name == "xl/workbook.xml" and b"codeName" not in data:
                data = re.sub(rb"<workbookPr([^>]*?)/?>", rb'<workbookPr\1 codeName="ThisWorkbook"/>',
                              data, count=1)
            dst.writestr(name, data)
        dst.writestr("xl/vbaProject.bin", vba)
    return out


def xlwings_commands(stock_module: str) -> str:
    """The command-line procedures of the rewritten xlwings module, as the build writes them,
    in a module of their own (the whole module cannot run in LibreOffice: see above)."""
    from nianbao.addin.build import procedure_spans, xlwings_module

    lines = xlwings_module(stock_module).split("\r\n")
    spans = procedure_spans(lines)
    out = ['Attribute VB_Name = "XlwingsCommands"', "Option Explicit"]
    out += [line for line in lines if line.startswith("Private Const SAFE_PATH ")]
    for name in ("ParentFolder", "StartIn", "RunPythonCommandLine", "UdfCommandLine"):
        a, b = spans[name]
        out += windows_branch(lines[a:b])
    return "\r\n".join(out) + "\r\n"


def windows_branch(lines: list[str]) -> list[str]:
    """``#If Mac Then … #Else … #End If`` resolved as VBA on Windows does (LibreOffice Basic runs
    both branches); only the Mac condition occurs in the procedures taken."""
    out, keep = [], [True]
    for line in lines:
        directive = line.strip()
        if directive.startswith("#If "):
            if directive != "#If Mac Then":
                raise ValueError(f"unexpected condition {directive!r}")
            keep.append(False)
        elif directive == "#Else":
            keep[-1] = not keep[-1]
        elif directive == "#End If":
            keep.pop()
        elif all(keep):
            out.append(line)
    return out


def run_driver(profile: Path, workbook: Path, tasks: list[tuple[str, str]], saved: Path,
               timeout: float = 240) -> list[tuple[str, list[str]]]:
    """Run ``tasks`` (mode, argument) in ``workbook`` (an .xlsm from :func:`macro_workbook`),
    save it as ``saved`` (.xlsx); returns one (status, fields) per task."""
    work = saved.parent
    manifest = work / f"{saved.stem}.tasks"
    manifest.write_text("".join(f"{m}\t{a}\n" for m, a in tasks), encoding="ascii")
    result = work / f"{saved.stem}.result"
    result.unlink(missing_ok=True)
    standard = profile / "user" / "basic" / "Standard"
    if not standard.is_dir():  # a fresh profile: let LibreOffice create its folders first
        subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                        "--terminate_after_init"], capture_output=True, timeout=timeout)
    (standard / "Module1.xba").write_text(PROFILE_MACRO.format(
        doc=workbook.as_uri(), library=LIBRARY, manifest=str(manifest), out=saved.as_uri(),
        result=str(result)), encoding="utf-8")
    subprocess.run(["soffice", "--headless", "--norestore", "--nolockcheck",
                    f"-env:UserInstallation={profile.as_uri()}", "macro:///Standard.Module1.Main"],
                   capture_output=True, timeout=timeout)
    text = result.read_text(encoding="utf-8", errors="replace") if result.exists() else "NO RESULT"
    if text.startswith(("HARNESS", "NO RESULT")):
        raise RuntimeError(f"LibreOffice did not run the driver: {text.strip()}")
    out = []
    for line in text.rstrip("\n").split("\n")[:len(tasks)]:
        status, *fields = line.split("\t")
        out.append((status, fields))
    return out


def codes(s: str) -> str:
    """A string as the driver's arguments and results write it: UTF-16 code units."""
    data = s.encode("utf-16-le", "surrogatepass")
    return " ".join(str(int.from_bytes(data[i:i + 2], "little")) for i in range(0, len(data), 2))


def text_of(units: str) -> str:
    return b"".join(int(u).to_bytes(2, "little") for u in units.split()).decode("utf-16-le", "surrogatepass")


def decoded(dump: str) -> list[list]:
    """The driver's dump of a parsed job: [[kind, field, …], …] with str, float or None."""
    records = []
    for record in dump.split("|"):
        values = []
        for field in record.split(";"):
            if field == "E":
                values.append(None)
            elif field.startswith("S"):
                values.append(text_of(field[1:]))
            else:
                values.append(float(field[1:]))
        records.append(values)
    return records
