# The module check: as few bytes as possible both ways (a slow UART
# carries them). Runs on QuecPython v1.12-era firmware: no f-strings,
# u-prefixed modules, every call guarded (a call that raises, or of a
# module the firmware lacks, gives None). It prints one JSON list between
# markers; parse.go (v2Keys) names its items. Double quotes: a single
# quote costs a byte more when the script is sent in pieces.
def _qpyhub_probe():
 import ujson,uos
 x=[]
 def c(o,f,*a):
  try:return getattr(o,f)(*a)
  except Exception:pass
 r=[2,x,[str(v)for v in c(uos,"uname")or()]]
 for s in"modem getDevModel getDevImei getDevFwVersion getDevSN|sim getStatus getIccid getImsi getPhoneNumber|net csqQueryPoll getState operatorName getSignal getConfig|checkNet|dataCall".split("|"):
  s=s.split();o=0
  try:o=__import__(s[0])
  except Exception:x+=s[:1]
  r+=[c(o,f)for f in s[1:]]
 i=c(o,"getInfo",1,2)
 if type(i)!=tuple:i=c(o,"getInfo",1,0)
 d=[i]
 for p in 2,3:
  i=c(o,"getInfo",p,0)
  try:
   if i[2][0]==1:d+=[i]
  except Exception:pass
 print("QPYHUB<"+ujson.dumps(r+[d])+">QPYHUB")
_qpyhub_probe()
